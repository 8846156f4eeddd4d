"""OPML subscription lists: reading a user's export from another reader, writing our own."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from digests.errors import DigestsError
from digests.i18n import _

# Characters XML 1.0 cannot carry at all; feed titles scraped from the web sometimes have them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class OpmlError(DigestsError):
    """An uploaded file that is not a readable OPML subscription list; the message says why."""


@dataclass(frozen=True, slots=True)
class OpmlOutline:
    """One subscribed feed; folders are flattened away, as digests have no folders."""

    title: str | None
    xml_url: str
    html_url: str | None = None


def parse_opml(data: bytes) -> list[OpmlOutline]:
    """Every feed outline, however deeply nested, each feed URL once, in document order.

    The file comes from a user, so it is parsed with defusedxml: a DTD that declares entities
    (billion laughs, external files) is refused instead of expanded.
    """
    root = _parse_xml(data)
    if _local_name(root.tag).lower() != "opml":
        raise OpmlError(_("This file is not OPML: its root element is not <opml>."))
    body = next((child for child in root if _local_name(child.tag).lower() == "body"), None)
    if body is None:
        raise OpmlError(_("This OPML file has no <body> with subscriptions."))
    outlines: list[OpmlOutline] = []
    seen: set[str] = set()
    for outline in _feed_outlines(body):
        if outline.xml_url not in seen:
            seen.add(outline.xml_url)
            outlines.append(outline)
    return outlines


def _parse_xml(data: bytes) -> ET.Element:
    if not data or not data.strip():
        raise OpmlError(_("The OPML file is empty."))
    try:
        return SafeET.fromstring(data)
    except DefusedXmlException:
        raise OpmlError(_("The OPML file declares XML entities, which are not allowed.")) from None
    except ET.ParseError as exc:
        raise OpmlError(_("The OPML file is not valid XML ({error}).").format(error=exc)) from None


def _feed_outlines(parent: ET.Element) -> Iterator[OpmlOutline]:
    for element in parent.iter():
        if _local_name(element.tag).lower() != "outline":
            continue
        attributes = {name.lower(): value.strip() for name, value in element.attrib.items()}
        xml_url = attributes.get("xmlurl")
        if xml_url:
            yield OpmlOutline(
                title=attributes.get("title") or attributes.get("text") or None,
                xml_url=xml_url,
                html_url=attributes.get("htmlurl") or None,
            )


def _local_name(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def build_opml(outlines: Iterable[OpmlOutline], title: str) -> bytes:
    """An OPML 2.0 document other feed readers can import."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_safe(title)
    body = ET.SubElement(root, "body")
    for outline in outlines:
        name = _xml_safe(outline.title or outline.xml_url)
        attributes = {"type": "rss", "text": name, "title": name}
        attributes["xmlUrl"] = _xml_safe(outline.xml_url)
        if outline.html_url:
            attributes["htmlUrl"] = _xml_safe(outline.html_url)
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)
