"""The embedded seed articles: furniture removed, headlines kept or derived."""

from digests.ingest.sources.seeds import read_seed_files, strip_furniture

FURNITURE = (
    "No time to read?",
    "Get a summary",
    "Previous Article",
    "Next Article",
    "Related Links:",
    "Go To Main Page",
)


def test_five_seeds_in_file_order():
    seeds = list(read_seed_files())
    assert len(seeds) == 5
    assert [s.guid.rsplit("/", 1)[1][:3] for s in seeds] == ["000", "001", "002", "003", "004"]


def test_page_furniture_and_neighbouring_titles_are_removed():
    for seed in read_seed_files():
        for phrase in FURNITURE:
            assert phrase not in seed.text
        assert "US Denies Involvement in Syria Attack" not in seed.text
        assert "Russia Road Crashes Involving Minors Update" not in seed.text


def test_own_headlines_are_kept_where_the_article_has_one():
    titles = [seed.title for seed in read_seed_files()]
    assert titles[0] == "Calls for a Ukraine ceasefire: Western diplomacy and Russian terms"
    assert (
        titles[2] == "Diplomatic Efforts Intensify Amid Ceasefire Hope Between Ukraine and Russia"
    )
    assert titles[1] is None and titles[3] is None and titles[4] is None


def test_dateline_becomes_the_publication_date():
    seeds = list(read_seed_files())
    assert seeds[2].published_at.date().isoformat() == "2025-03-13"


def test_markers_with_odd_white_space_are_still_furniture():
    lines = ["Story text.", "Previous Article", "", "Some Other Story", "Go To Main\u00a0Page"]
    assert strip_furniture(lines) == ["Story text."]
