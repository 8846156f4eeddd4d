"""What /actor lists for an article: each statement once and whole, no headings, no events."""

from digests.actors import extract_actors
from tests.actors.actor_annotations import article_text

# The splitter cuts the second paragraph at "lives." inside the quotation; the third and the
# fourth are the same paragraph twice, as pages repeat a pull quote.
CUT_AND_REPEATED = (
    "Donald Trump urges a ceasefire\n"
    "President Donald Trump met envoys from both sides on Monday.\n"
    "President Trump has emphasized the urgent need to stop the bloodshed, telling reporters, "
    "“This conflict has gone on too long, costing too many lives. We’re working tirelessly to "
    "help both sides find common ground.”\n"
    'President Trump stated, "We want to put this war behind us," expressing hopes for '
    "cooperation from Moscow.\n"
    'President Trump stated, "We want to put this war behind us," expressing hopes for '
    "cooperation from Moscow.\n"
    "“We are close,” Trump said.\n"
)


def balanced(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def test_a_quote_and_the_reported_speech_around_it_are_one_whole_statement():
    extraction = extract_actors(CUT_AND_REPEATED)
    said = [s.text for s in extraction.statements if s.speaker == "Donald Trump"]
    assert said == [
        "President Trump has emphasized the urgent need to stop the bloodshed, telling "
        "reporters, “This conflict has gone on too long, costing too many lives. We’re working "
        "tirelessly to help both sides find common ground.”",
        'President Trump stated, "We want to put this war behind us," expressing hopes for '
        "cooperation from Moscow.",
        "We are close",
    ]
    assert [s.kind for s in extraction.statements] == ["reported", "reported", "quote"]


def test_no_statement_or_mention_is_cut_inside_a_quotation():
    extraction = extract_actors(CUT_AND_REPEATED)
    for statement in extraction.statements:
        assert balanced(statement.sentence), statement.sentence
    for mention in extraction.mentions:
        assert balanced(mention.sentence), mention.sentence


def test_a_sentence_repeated_in_an_article_is_one_statement_and_one_mention():
    extraction = extract_actors(CUT_AND_REPEATED)
    pull_quote = [s for s in extraction.statements if "put this war behind us" in s.text]
    assert len(pull_quote) == 1
    sentences = [m.sentence for m in extraction.mentions]
    assert len(sentences) == len(set(sentences))


def test_the_seed_quotes_trump_once_per_sentence():
    for article in ("002", "004"):
        said = [s for s in extract_actors(article_text(article)).statements]
        trump = [s.text for s in said if s.speaker == "Donald Trump"]
        assert not [a for a in trump for b in trump if a != b and a in b], trump
        assert all(balanced(s.sentence) for s in said)


SECTIONS = (
    "Ceasefire talks resume\n"
    "Zelensky’s Perspective – Security Guarantees and U.S. Tensions\n"
    "Ukrainian President Volodymyr Zelensky has maintained a firm stance on guarantees.\n"
    "Will Putin Accept the Deal?\n"
    "Russian President Vladimir Putin said on Friday that talks could resume.\n"
    "Who will pay for the reconstruction?\n"
)


def test_headings_are_no_mentions_and_a_question_in_the_text_is_no_heading():
    extraction = extract_actors(SECTIONS)
    sentences = {m.sentence for m in extraction.mentions}
    assert "Zelensky’s Perspective – Security Guarantees and U.S. Tensions" not in sentences
    assert "Will Putin Accept the Deal?" not in sentences
    assert {m.actor for m in extraction.mentions} == {"Volodymyr Zelensky", "Vladimir Putin"}


def test_the_seed_section_titles_are_no_mentions():
    extraction = extract_actors(article_text("003"))
    assert not [m.sentence for m in extraction.mentions if " – " in m.sentence]


def test_a_long_sentence_the_splitter_cuts_is_no_heading():
    # Past 80 words a sentence is cut where it has no full stop: the first piece ends without
    # punctuation, but it is no title; what Zelensky said in it is his.
    clause = " ".join(["and the front line"] * 25)
    text = f"Ukrainian President Volodymyr Zelensky said that the talks would go on {clause}.\n"
    extraction = extract_actors(text)
    assert [s.speaker for s in extraction.statements] == ["Volodymyr Zelensky"]
    assert extraction.mentions


SPORT = (
    "Serbia reach the Davis Cup final\n"
    "Novak Djokovic beat Roger Federer on Sunday to take Serbia into the Davis Cup final. "
    "“Serbia deserved it,” Djokovic said.\n"
    "The Davis Cup final will be played in Madrid. Serbia last won the Davis Cup in 2010.\n"
    "The World Cup and the Champions League drew bigger crowds this year. Tickets for the "
    "Champions League final sold out, and the World Cup final too.\n"
    "The Olympics come next. Federer said he would play the Olympic Games.\n"
    "Independence Day falls on Friday, and Independence Day parades were cancelled.\n"
    "Jason Day said he would skip the Masters. Day won the Masters in 2015.\n"
    "Tony Hall, the director of the BBC, will broadcast the final. Hall added that the rights "
    "were expensive.\n"
    "The Arab League said it would not send a team. The Champions Trophy starts in May.\n"
)


def test_events_competitions_and_trophies_are_not_actors():
    names = {a.name for a in extract_actors(SPORT).actors}
    for event in (
        "Davis Cup",
        "World Cup",
        "Champions League",
        "Olympics",
        "Olympic Games",
        "Independence Day",
        "Masters",
        "Champions Trophy",
    ):
        assert event not in names, event


def test_a_name_ending_like_an_event_is_someone_when_it_speaks():
    extraction = extract_actors(SPORT)
    kinds = {a.name: a.kind for a in extraction.actors}
    assert kinds["Jason Day"] == "person"
    assert kinds["Tony Hall"] == "person"
    assert kinds["Arab League"] == "organization"  # it said something
    assert {"Novak Djokovic", "Roger Federer"} <= set(kinds)


def test_a_title_only_another_article_gives_is_kept_with_what_its_holder_said():
    # 000 names Putin untitled; "the Russian president" and the "He" after it are kept under
    # that role for the store to match with what other articles call him.
    extraction = extract_actors(article_text("000"))
    by_role = [(s.speaker, s.text[:40]) for s in extraction.role_statements]
    assert by_role == [
        ("Russian president", "In mid-June, the Russian president state"),
        ("Russian president", "He insisted that hostilities would end i"),
    ]
    assert not extraction.statements


def test_a_bare_role_names_no_holder_to_look_for():
    text = (
        "Donald Trump met the judges in Washington. The judge said the ruling stood.\n"
        "A senior official said talks would resume. The Russian official said nothing more.\n"
    )
    assert extract_actors(text).role_statements == ()
