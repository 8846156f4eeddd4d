"""Closed word classes that let shape rules tell names, titles and speech apart in English news."""

# These are generic English news vocabulary, not the people of any particular story: titles and
# role nouns say "a person follows/is meant", demonyms, months and place words say "not a person",
# speech verbs say "someone is talking". Everything is lowercase, without dots.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Titles that, placed before a capitalised name, make it a person ("Gen. Gerasimov").
PERSON_TITLES = _words(
    "president vice-president president-elect prime minister secretary secretary-general "
    "general gen lieutenant lt colonel col major maj captain capt admiral adm marshal commander "
    "chief chancellor premier king queen prince princess emperor pope cardinal bishop "
    "archbishop rabbi imam sheikh senator sen representative rep congressman congresswoman "
    "governor gov mayor ambassador envoy spokesperson spokesman spokeswoman adviser advisor "
    "director judge dr doctor prof professor mr mrs ms miss sir dame lord lady chairman "
    "chairwoman chair ceo speaker head leader deputy officer inspector sergeant sgt"
)
# Courtesy titles name a person but are not a role worth reporting.
COURTESY_TITLES = _words("dr doctor prof mr mrs ms miss sir dame")
# Words that sit inside a title before the name ("National Security Advisor", "Secretary of
# State"): never part of the name itself.
TITLE_MODIFIERS = _words(
    "foreign defence defense interior finance national security affairs economy economic trade "
    "health justice energy state vice first deputy acting senior former top press military "
    "armed forces intelligence presidential executive supreme general"
)
# Nouns that head a role phrase ("the Kremlin spokesperson", "a conflict resolution specialist").
ROLE_NOUNS = _words(
    "president chancellor minister secretary secretary-general spokesperson spokesman "
    "spokeswoman chief head commander general adviser advisor ambassador envoy premier leader "
    "director governor mayor senator official negotiator diplomat representative aide analyst "
    "expert specialist professor economist researcher chairman chairwoman chair ceo founder "
    "lawmaker deputy prosecutor judge king queen prince monarch counterpart commissioner "
    "executive coach manager captain lawyer attorney journalist activist"
)
# Spelling variants of one role, so "the Kremlin spokesman" finds a "Kremlin spokesperson".
ROLE_SYNONYMS = {
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "advisor": "adviser",
    "chairman": "chair",
    "chairwoman": "chair",
    "premier": "prime",
}
# Lowercase words that may stand inside a role phrase before its noun ("military chief").
ROLE_MODIFIERS = TITLE_MODIFIERS | _words(
    "prime chief policy defense-ministry foreign-policy opposition army party government "
    "interior presidential kremlin crown trade foreign-affairs head"
)
# Words that open an anonymous or unresolvable noun phrase ("a senior NATO representative").
INDEFINITES = _words("a an one another some several two three many other his her its their")
PERSONAL_PRONOUNS = _words("he she")
# Marks of a woman or a man in a title or name; pronoun resolution never crosses them.
FEMALE_TITLES = _words(
    "mrs ms miss madam dame lady queen princess duchess baroness congresswoman chairwoman "
    "spokeswoman"
)
MALE_TITLES = _words("mr sir lord king prince duke baron congressman chairman spokesman")
MALE_NAME_ENDINGS = (*"bcdfgjkmpqrstvwxz", "o", "ei", "iy", "ij", "yj", "ii")
# Slavic feminine surname endings (Zakharova, Petrovna, Wisniewska).
FEMALE_SURNAME_ENDINGS = ("ova", "eva", "ovna", "evna", "ska", "cka", "aya")
# Pronouns that never stand for one named person; a speaker introduced by them stays unnamed.
GROUP_PRONOUNS = _words("they we it i you who which")

DEMONYMS = _words(
    "afghan albanian algerian american argentine argentinian armenian australian austrian "
    "azerbaijani belarusian belgian bosnian brazilian british bulgarian canadian chilean chinese "
    "colombian croatian cuban cypriot czech danish dutch egyptian emirati english estonian "
    "ethiopian european finnish french georgian german greek hungarian icelandic indian "
    "indonesian iranian iraqi irish israeli italian japanese jordanian kazakh kenyan korean "
    "kosovar kurdish kyrgyz latvian lebanese libyan lithuanian luxembourgish malaysian maltese "
    "mexican moldovan mongolian montenegrin moroccan nigerian norwegian pakistani palestinian "
    "persian polish portuguese qatari romanian russian saudi scottish serbian slovak slovenian "
    "somali soviet spanish sudanese swedish swiss syrian taiwanese tajik thai tunisian turkish "
    "turkmen ukrainian uzbek venezuelan vietnamese welsh yemeni african asian arab arabian "
    "western eastern northern southern baltic nordic balkan latin transatlantic allied"
)
MONTHS_AND_DAYS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday"
)
# Words that, capitalised, start a sentence or a headline rather than a name.
FUNCTION_WORDS = _words(
    "the a an this that these those it he she they we i you his her its their our my your "
    "in on at for with as by from to of and but or nor if when while after before since "
    "despite although though however meanwhile moreover furthermore yet still also earlier "
    "later late recent recently according following looking amid among under over only even "
    "some many most several both each every all any no not such what which who whom whose why "
    "how where there here then now today yesterday tomorrow internationally overall "
    "additionally instead indeed thus therefore conversely similarly separately elsewhere "
    "once first second finally again so because unlike like about against between during "
    "into onto upon within without near until toward towards across through per via "
    "is are was were has have had do does did can could will would should may might must"
)
# Words after which a name is an object ("a member from the Left Party"), not a speaker.
PREPOSITIONS = _words(
    "of from with to by for at in on about between against among into onto upon within "
    "without near toward towards across through via over under after before amid despite "
    "like unlike including than"
)
# Heads of institution names ("Foreign Ministry", "Left Party", "White House").
ORG_HEADS = _words(
    "ministry ministries department party union nations council commission committee "
    "institute institution university office agency organization organisation house "
    "parliament assembly congress senate court bank fund alliance government administration "
    "army navy command guard service bureau authority federation foundation association "
    "company corporation group league movement church embassy cabinet staff secretariat "
    "directorate agencies center centre"
)
# Heads of names of things, not of anyone who could speak: events, competitions, trophies,
# laws and plans ("Davis Cup", "Champions Trophy", "Cold War", "Affordable Care Act"). A name
# ending in one founds no person and no institution.
EVENT_HEADS = _words(
    "cup cups championship championships tournament tournaments trophy olympics olympiad games "
    "prize prizes award awards medal medals festival marathon bowl regatta series playoffs "
    "playoff finals prix war wars summit election elections referendum act acts plan challenge"
)
# Heads that end an event's name ("Independence Day", "Champions League", "Albert Park") as
# often as a family name ("Jason Day", "Tony Hall") or an institution's ("Arab League"): such
# a name stands for someone only if it speaks, or a title or role says it is a person.
SPEAKING_ONLY_HEADS = _words("day league park hall masters")
# Heads and openers of place names ("Sumy Oblast", "North Korea", "New York").
PLACE_HEADS = _words(
    "region oblast province city street square river sea ocean island islands mountains valley "
    "airport bridge republic republics kingdom county district territory territories peninsula "
    "gulf bay lake coast border strait people"
)
PLACE_OPENERS = _words(
    "north south east west new san santa saint st los las el united upper lower greater "
    "central mount lake port fort cape great"
)
# All-caps words that are not institutions.
NON_INSTITUTIONS = _words(
    "us usa uk uae ussr prc dprk gdp ceo tv uav uavs ai ngo id pm am ok covid hiv gmt utc cet "
    "est ii iii iv km mph"
)
# Words after a lone "the X" that show X is a noun in its own right ("the Kremlin said").
AFTER_INSTITUTION = _words(
    "has have had is was were said says will would could may might must did does also to "
    "in on for with which that who remains"
)
# Lowercase particles inside names ("Ursula von der Leyen", "Lula da Silva").
NAME_PARTICLES = _words("von van der den de da di du del la le bin ibn al dos das")
# Abbreviations whose dot does not end the word ("Gen. Gerasimov", "Dr. Petrovna").
ABBREVIATIONS = _words(
    "dr mr mrs ms prof gen sen rep gov lt col sgt capt cmdr adm maj st jr sr rev hon pres gens no"
)
# A bare speech verb after one of these is a verb ("would warn"), not a noun ("a warning").
MODALS = _words("to will would could may might must should can did does do")
# Words that may stand between a speaker and the speech verb ("Putin has reportedly said").
AUXILIARIES = _words(
    "has have had also recently reportedly publicly later then again repeatedly previously "
    "already once further subsequently earlier today yesterday firmly openly privately "
    "separately initially allegedly would will did does do could may might must should can "
    "not never only just still himself herself itself themselves too explicitly quickly "
    "consistently formally officially"
)
# Words that open a subordinate clause, so the sentence's subject comes after its comma.
SUBORDINATORS = _words("while although though as after before when since if because whereas")

_SPEECH_LEMMAS = (
    "state insist warn argue signal announce confirm reveal claim urge express elaborate "
    "emphasize emphasise stress add note explain remark assert declare indicate suggest accuse "
    "deny admit acknowledge maintain articulate hint discuss predict promise pledge vow threaten "
    "demand describe label reiterate propose criticize criticise condemn dismiss reject report "
    "comment respond reply concede observe mention voice caution estimate contend allege affirm "
    "reaffirm underline assure retort lament insist testify tweet post ask question"
)
# Irregular or consonant-doubling forms the suffix rules below cannot produce.
_SPEECH_IRREGULAR = _words(
    "say says said saying tell tells told telling write writes wrote writing signalled "
    "signalling labelled labelling admitted admitting"
)


def _inflections(lemma: str) -> set[str]:
    """Base, third person, past and -ing forms by the regular English spelling rules."""
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return {lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x")) else "s")
    return {lemma, third, lemma + "ed", lemma + "ing"}


SPEECH_VERBS = _SPEECH_IRREGULAR.union(*(_inflections(lemma) for lemma in _SPEECH_LEMMAS.split()))
# "call" is speech only as "call on"/"call for"; otherwise it is usually a phone call.
CALL_VERBS = _words("call calls called calling")
CALL_PARTICLES = _words("on for")
# Bare forms, which are verbs only after "to" or a modal ("would warn"); elsewhere they are
# usually nouns ("a call", "the state", "a report").
SPEECH_BASES = frozenset(_SPEECH_LEMMAS.split()) | _words("say tell write")
