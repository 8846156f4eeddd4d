"""Hand-written reports for story tests: one event told by two outlets, and another event about
the same people."""

from digests.ingest.sources.raw import RawArticle

GRAIN_DEAL = RawArticle(
    title="Putin and Erdogan agree to reopen Black Sea grain corridor",
    url="https://first.example/grain",
    text=(
        "Russian President Vladimir Putin and Turkish President Recep Tayyip Erdogan agreed on "
        "Monday in Sochi to reopen the Black Sea grain corridor, closed since July. "
        "Under the deal, cargo ships carrying Ukrainian wheat will again sail from Odesa to the "
        "Bosphorus under Turkish inspection. "
        "Erdogan said the first convoy of twelve ships could leave the port by Friday. "
        "Putin said Moscow would guarantee safe passage if Russian fertilizer exports were eased. "
        "Wheat prices in Chicago fell four percent after the announcement in Sochi."
    ),
)
GRAIN_DEAL_ELSEWHERE = RawArticle(
    title="Grain ships to sail again after Sochi talks",
    url="https://second.example/sochi",
    text=(
        "Wheat futures dropped four percent in Chicago once the news from Sochi broke. "
        "Ankara will inspect the cargo ships that carry Ukrainian wheat from Odesa through the "
        "Bosphorus, the Turkish leader Recep Tayyip Erdogan told reporters. "
        "The Black Sea grain corridor, shut since July, will reopen, Vladimir Putin and Erdogan "
        "agreed in Sochi on Monday. "
        "A first convoy of twelve vessels may leave Odesa by Friday. "
        "The Kremlin promised safe passage provided that curbs on Russian fertilizer exports ease."
    ),
)
TANK_FACTORY = RawArticle(
    title="Putin tours Urals tank factory and orders more drones",
    url="https://second.example/urals",
    text=(
        "Russian President Vladimir Putin toured a tank factory in Nizhny Tagil in the Urals on "
        "Wednesday and ordered managers to double the output of attack drones. "
        "Putin told workers that the plant had tripled its production of armoured vehicles. "
        "The factory director promised a new assembly line before the end of the year. "
        "Putin also met engineers who showed him a prototype of a heavier tracked vehicle. "
        "Erdogan was not mentioned during the visit, which state television broadcast live."
    ),
)
CONVOY_SAILS = RawArticle(
    title="First grain convoy leaves Odesa under the Sochi deal",
    url="https://first.example/convoy",
    text=(
        "The first convoy of twelve grain ships left Odesa on Friday under the corridor deal "
        "that Vladimir Putin and Recep Tayyip Erdogan agreed in Sochi. "
        "Turkish inspectors boarded the lead vessel, the Razoni, at dawn before it sailed south. "
        "Ukraine's port authority said the ships carry 300,000 tonnes of wheat bound for Egypt. "
        "Wheat prices in Chicago fell four percent after the announcement in Sochi. "
        "Insurers in London cut the war-risk premium for the Black Sea route by a third."
    ),
)
GRAIN_DEAL_AGAIN = RawArticle(  # a third outlet's copy: the first report, sentences reordered
    title="Black Sea grain corridor to reopen",
    url="https://third.example/corridor",
    text=" ".join(reversed(GRAIN_DEAL.text.split(". "))),
)
