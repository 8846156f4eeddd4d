"""OPML import and export: subscriptions move between readers without loss or danger."""

from __future__ import annotations

import pytest

from digests.ingest.sources.opml import OpmlError, OpmlOutline, build_opml, parse_opml

EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Subscriptions from another reader</title></head>
  <body>
    <outline text="News" title="News">
      <outline type="rss" text="BBC World" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"
               htmlUrl="https://www.bbc.co.uk/news/world"/>
      <outline text="Europe">
        <outline type="rss" title="Le Monde" text="lemonde"
                 XMLURL=" https://www.lemonde.fr/rss/une.xml "/>
      </outline>
    </outline>
    <outline type="rss" text="Blog" xmlurl="https://blog.example/feed"/>
    <outline text="A bookmark, not a feed" url="https://example.com/"/>
    <outline type="rss" text="BBC again" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
  </body>
</opml>"""


def test_nested_outlines_are_flattened_in_order():
    assert parse_opml(EXPORT) == [
        OpmlOutline(
            "BBC World",
            "https://feeds.bbci.co.uk/news/world/rss.xml",
            "https://www.bbc.co.uk/news/world",
        ),
        OpmlOutline("Le Monde", "https://www.lemonde.fr/rss/une.xml", None),
        OpmlOutline("Blog", "https://blog.example/feed", None),
    ]


def test_namespaced_opml_is_accepted():
    data = (
        b'<opml xmlns="http://opml.org/spec2" version="2.0"><body>'
        b'<outline text="x" xmlUrl="https://x.example/rss"/></body></opml>'
    )
    assert [o.xml_url for o in parse_opml(data)] == ["https://x.example/rss"]


def test_an_opml_without_feeds_gives_an_empty_list():
    assert parse_opml(b'<opml version="2.0"><head/><body/></opml>') == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<opml><body><outline></body>", "not valid XML"),
        (b"\x89PNG\r\n", "not valid XML"),
        (b'<rss version="2.0"><channel/></rss>', "not OPML"),
        (b'<opml version="2.0"><head/></opml>', "no <body>"),
    ],
)
def test_broken_files_raise_a_clear_error(data, message):
    with pytest.raises(OpmlError, match=message):
        parse_opml(data)


def test_entity_expansion_bombs_are_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<opml version="2.0"><body><outline text="&c;" xmlUrl="https://x.example/"/></body></opml>"""
    with pytest.raises(OpmlError, match="entities"):
        parse_opml(bomb)


def test_external_entities_are_refused():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://x.example/"/></body></opml>"""
    with pytest.raises(OpmlError):
        parse_opml(data)


def test_export_round_trips_through_import():
    outlines = [
        OpmlOutline("Tom & Jerry <news>", "https://t.example/feed?a=1&b=2", "https://t.example/"),
        OpmlOutline("Ünïcödé Blog", "https://u.example/rss", None),
    ]
    data = build_opml(outlines, "My digests")
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b"<title>My digests</title>" in data
    assert parse_opml(data) == outlines


def test_export_of_untitled_feeds_and_unprintable_characters_stays_valid():
    data = build_opml(
        [
            OpmlOutline(None, "https://x.example/rss"),
            OpmlOutline("Bad\x0bname", "https://y.example/"),
        ],
        "T\x00",
    )
    parsed = parse_opml(data)
    assert [o.title for o in parsed] == ["https://x.example/rss", "Badname"]
