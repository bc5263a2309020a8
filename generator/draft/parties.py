"""Who is involved: people with their titles, countries and nationalities, organisations.

Rules over capitalised runs of words, no model: a run led by a title ("Prime Minister Mark
Carney") or a role ("economist Gary Thayer") is a person; a run holding an organisation word
("Party", "Bank", "Office") or an acronym is an organisation; a country name or a nationality
("Canadian") is a country. Later mentions by surname ("Carney", "Mr Carney") join the full name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.schema import slugify

# name -> canonical country; nationalities and short forms included.
_COUNTRY_ROWS = """
United States|US|U.S.|USA|U.S.A.|America|American|Americans|United States of America
United Kingdom|UK|U.K.|Britain|Great Britain|British|Briton|Britons
Canada|Canadian|Canadians
Mexico|Mexican|Mexicans
China|Chinese|People's Republic of China|PRC
Japan|Japanese
South Korea|Korea|Korean|South Korean|South Koreans
North Korea|North Korean|North Koreans
India|Indian|Indians
Pakistan|Pakistani|Pakistanis
Russia|Russian|Russians
Ukraine|Ukrainian|Ukrainians
Germany|German|Germans
France|French
Italy|Italian|Italians
Spain|Spanish|Spaniards
Portugal|Portuguese
Netherlands|Dutch|Holland
Belgium|Belgian|Belgians
Switzerland|Swiss
Austria|Austrian
Sweden|Swedish|Swedes
Norway|Norwegian
Denmark|Danish
Finland|Finnish
Poland|Polish|Poles
Ireland|Irish|Republic of Ireland
Greece|Greek|Greeks
Turkey|Turkish|Turks
Israel|Israeli|Israelis
Iran|Iranian|Iranians
Iraq|Iraqi|Iraqis
Syria|Syrian|Syrians
Saudi Arabia|Saudi|Saudis
Egypt|Egyptian|Egyptians
Jordan|Jordanian
Lebanon|Lebanese
Afghanistan|Afghan|Afghans
Brazil|Brazilian|Brazilians
Argentina|Argentine|Argentinian
Chile|Chilean
Colombia|Colombian
Venezuela|Venezuelan
Peru|Peruvian
Cuba|Cuban|Cubans
Australia|Australian|Australians
New Zealand|N.Z.|New Zealander|New Zealanders
South Africa|South African|South Africans|SA
Nigeria|Nigerian|Nigerians
Kenya|Kenyan|Kenyans
Ethiopia|Ethiopian
Ghana|Ghanaian
Indonesia|Indonesian
Malaysia|Malaysian
Singapore|Singaporean
Thailand|Thai
Vietnam|Vietnamese
Philippines|Filipino|Philippine
Taiwan|Taiwanese
Hong Kong
Bangladesh|Bangladeshi
Sri Lanka|Sri Lankan
Qatar|Qatari
United Arab Emirates|UAE|Emirati
Kuwait|Kuwaiti
Brunei
Czech Republic|Czech|Czechia
Hungary|Hungarian
Romania|Romanian
Bulgaria|Bulgarian
Serbia|Serbian
Croatia|Croatian
Slovakia|Slovak
Slovenia|Slovenian
Estonia|Estonian
Latvia|Latvian
Lithuania|Lithuanian
Belarus|Belarusian
Georgia|Georgian
Armenia|Armenian
Azerbaijan|Azerbaijani
Kazakhstan|Kazakh
Iceland|Icelandic
Luxembourg
Morocco|Moroccan
Algeria|Algerian
Tunisia|Tunisian
Libya|Libyan
Sudan|Sudanese
Yemen|Yemeni
Palestine|Palestinian|Palestinians
Scotland|Scottish|Scots
Wales|Welsh
England|English
Northern Ireland
"""
COUNTRIES: dict[str, str] = {}
for _row in _COUNTRY_ROWS.strip().splitlines():
    _names = _row.split("|")
    for _name in _names:
        COUNTRIES[_name] = _names[0]
# Words that are a country only when nothing else explains them.
_AMBIGUOUS_COUNTRY = {"Georgia", "Jordan", "Chile", "Turkey", "English", "French", "SA", "Holland"}

ORGANIZATIONS: dict[str, str] = {
    "EU": "European Union", "European Union": "European Union", "UN": "United Nations",
    "U.N.": "United Nations", "United Nations": "United Nations", "NATO": "NATO", "Nato": "NATO",
    "AP": "Associated Press", "Associated Press": "Associated Press", "Fed": "Federal Reserve",
    "Federal Reserve": "Federal Reserve", "IMF": "International Monetary Fund",
    "OECD": "OECD", "WHO": "World Health Organization", "Reuters": "Reuters",
    "Congress": "Congress", "Parliament": "Parliament", "Labour": "Labour Party",
    "Conservatives": "Conservative Party", "Tories": "Conservative Party",
    "Tory": "Conservative Party",
    "Republicans": "Republican Party", "Democrats": "Democratic Party", "GOP": "Republican Party",
    "White House": "White House", "Kremlin": "Kremlin", "Pentagon": "Pentagon",
    "Supreme Court": "Supreme Court", "Senate": "Senate", "House of Commons": "House of Commons",
    "House of Lords": "House of Lords", "House of Representatives": "House of Representatives",
    "The Economist": "The Economist", "BBC": "BBC",
    "G7": "G7", "G-7": "G7", "G8": "G8", "G-8": "G8", "G20": "G20", "G-20": "G20",
    "Eurozone": "eurozone",
}  # fmt: skip
# Groups that are also the name of their meetings: "the G-20 summit" is an event.
_FORUMS = {"G7", "G-7", "G8", "G-8", "G20", "G-20"}
_GATHERING_AFTER = re.compile(r" (?:summit|gathering|meeting|meetings|talks)\b")
# Parties written in lower case: found by their words, not by capitals.
_LOWER_CASE_PARTIES = {"eurozone": "eurozone", "euro zone": "eurozone", "euro area": "eurozone"}

_ORG_WORDS = {
    "Party", "Ministry", "Department", "Bank", "Office", "Council", "Commission", "Committee",
    "Institute", "University", "Association", "Agency", "Union", "Court", "Congress", "Parliament",
    "Senate", "Corp", "Corporation", "Co", "Inc", "Ltd", "Limited", "Group", "Forum", "Center",
    "Centre", "Times", "Post", "Journal", "News", "Press", "Airways", "Airlines", "Systems",
    "Motors", "Fund", "Foundation", "Trust", "Board", "Authority", "Reserve", "Police", "Army",
    "Navy", "Network", "Club", "Alliance", "Federation", "Organisation", "Organization", "Bureau",
    "Administration", "Treasury", "Exchange", "Capital", "Consulting", "Partners", "Holdings",
    "Industries", "Technologies", "Labs", "Service", "Services", "Society", "Campaign",
    "Programme", "Program", "Unit", "Wholesale", "Retail", "Wireless", "Communications",
    "Paribas", "Magazine", "Channel", "Radio", "Television", "Broadcasting", "Company",
    "Conference", "Assembly", "Cabinet", "Government", "Commons", "Lords", "Secretariat",
    "Guardian", "Telegraph", "Intelligence", "Management", "Investors", "Securities",
    "Brothers", "Sons", "Media", "House", "Fed", "College", "Community", "Studios",
    "Pharmaceuticals", "Energy", "Oil", "Gas", "Mining",
}  # fmt: skip
_OFFICE_PLACES = {"Oval Office", "Downing Street", "Wall Street", "Capitol Hill", "White House"}
_TITLES = {
    "President", "Prime", "Minister", "PM", "Chancellor", "Sen", "Sen.", "Senator", "Rep", "Rep.",
    "Representative", "Gov", "Gov.", "Governor", "Mayor", "Secretary", "Justice", "Chief", "Judge",
    "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Sir", "Lady", "Lord", "Dame", "King",
    "Queen", "Prince", "Princess", "Pope", "General", "Gen.", "Col.", "Capt.", "Commissioner",
    "Ambassador", "Speaker", "Leader", "Chairman", "Chairwoman", "Vice", "Deputy", "Shadow",
    "Foreign", "Home", "Defence", "Defense", "Finance", "Health", "Trade", "Treasury", "Former",
    "Ex", "Senior", "Democratic", "Republican", "Conservative", "Labour", "Liberal", "Minority",
    "Majority", "State", "Attorney", "Director", "Executive", "Officer", "Premier", "Emperor",
    "Sheikh", "Crown", "Archbishop", "Bishop", "Constitutional", "Affairs", "Development",
    "International", "Opposition", "Party", "Tory", "Chief Justice",
}  # fmt: skip
_HONORIFICS = {
    "Mr",
    "Mr.",
    "Mrs",
    "Mrs.",
    "Ms",
    "Ms.",
    "Dr",
    "Dr.",
    "Sir",
    "Lady",
    "Lord",
    "Dame",
    "Miss",
}
_HONORIFIC_WORDS = {h.rstrip(".") for h in _HONORIFICS}
_ROLE_WORDS = {
    "president", "minister", "secretary", "leader", "chief", "executive", "economist", "analyst",
    "spokesman", "spokeswoman", "spokesperson", "director", "chairman", "chairwoman", "chair",
    "adviser", "advisor", "pollster", "strategist", "editor", "editor-in-chief", "commissioner",
    "professor", "judge", "justice", "mayor", "delegate", "founder", "negotiator", "senator",
    "governor", "chancellor", "ambassador", "general", "officer", "official", "head", "manager",
    "partner", "ceo", "sen", "rep", "gov", "gen", "dr", "lt", "col", "capt", "sgt", "correspondent",
    "reporter", "coach", "captain", "candidate", "nominee",
    "lawyer", "attorney", "prosecutor", "premier", "king", "queen", "prince", "emperor", "pope",
    "bishop", "archbishop", "deputy", "mp", "mep", "designer", "republican", "democrat",
    "billionaire", "investor", "researcher", "scientist", "expert", "author", "activist",
    "campaigner", "singer", "actor", "player", "supremo", "boss", "chiefs", "lawmaker",
    "congressman", "congresswoman", "councillor", "councilor", "inspector", "superintendent",
    "detective", "sergeant", "constable", "admiral", "colonel", "major", "commander",
}  # fmt: skip
# What a firm or body is called just before its name: "US bank Wells Fargo", "carmaker
# Tesla", "London-based Barclays". (A person's role words are read elsewhere.)
_ORG_DESCRIPTOR = re.compile(
    r"\b(?:bank|banks|lender|insurer|broker|brokerage|carrier|airline|carmaker|automaker"
    r"|retailer|supermarket|manufacturer|maker|firm|company|conglomerate|group|chain"
    r"|broadcaster|newspaper|publisher|charity|club|team|fund|investor|regulator|watchdog"
    r"|agency|operator|developer|giant|rival|start-up|startup|[a-z]+-based)\s+$"
)
_NOT_NAMES = {
    "The", "A", "An", "But", "And", "Or", "In", "On", "At", "It", "He", "She", "They", "We", "I",
    "This", "That", "These", "Those", "As", "After", "Before", "When", "While", "Although",
    "However", "Yet", "Still", "Even", "If", "Since", "For", "From", "With", "By", "Of", "To",
    "Despite", "According", "Asked", "Speaking", "Other", "Some", "Many", "Most", "All", "Both",
    "Last", "Next", "Overall", "Meanwhile", "Instead", "Currently", "There", "Here", "What",
    "Who", "Why", "How", "Where", "Our", "Their", "His", "Her", "Its", "My", "Your", "No", "Not",
    "Then", "Now", "So", "Also", "Only", "Just", "Such", "Each", "Every", "Any", "Under", "Over",
    "Among", "Between", "During", "Without", "Within", "Through", "Until", "About", "Once",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "Today", "Tonight", "Tomorrow", "Yesterday", "Younger", "Elder", "Me", "Us",
    "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept",
    "Oct", "Nov", "Dec", "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat",
    "Sun", "Day", "Week", "Year", "Christmas", "Easter", "Let", "Look", "Well",
    "Yes", "Should", "Would", "Could", "Will", "Can", "Might", "Must", "Did", "Does", "Do", "Is",
    "Are", "Was", "Were", "Has", "Have", "Had", "Privately", "Nationally", "Later", "Earlier",
    "Aside", "Part", "Details", "Trade",
    "Profits", "Spending", "Forecasts", "Tax", "Earnings", "Shares", "Stocks", "Imports",
    "Exports", "Government", "Police", "Experts", "Neighbours", "Authorities", "Officials",
    "Economists", "Analysts", "Jobs", "Turnover", "Interest", "Debt", "Growth", "Inflation",
}  # fmt: skip
_PLACES = {
    "London", "Paris", "Washington", "Beijing", "Tokyo", "Moscow", "Berlin", "Brussels", "Ottawa",
    "New York", "Boston", "Florida", "California", "Texas", "Pennsylvania", "Michigan",
    "Wisconsin", "Arizona", "Nevada", "North Carolina", "South Carolina", "Minnesota", "Virginia",
    "New Jersey", "Iowa", "Ohio", "Nebraska", "Maine", "New Hampshire", "Europe", "Africa", "Asia",
    "North America", "South America", "Latin America", "Middle East", "Wellington", "Valencia",
    "Rio de Janeiro", "Altamira", "Amazonas", "Para", "Manaus", "Santerem", "Camden", "Tottenham",
    "Mexico City", "Sun Belt", "Midwest", "Deep South", "Egypt", "Wadi Rum", "Durham", "Wake",
    "Charlotte", "Mecklenberg County", "La Crosse", "Camarillo", "Horsham", "Porto",
    "Oval Office", "Downing Street", "Wall Street", "Capitol Hill", "Election Day", "Labor Day",
    "Doha", "Geneva", "Davos", "Kyiv", "Kiev", "Jerusalem", "Gaza", "Tehran", "Baghdad", "Delhi",
    "New Delhi", "Mumbai", "Shanghai", "Sydney", "Melbourne", "Toronto", "Montreal", "Vancouver",
    "Chicago", "Los Angeles", "San Francisco", "Atlanta", "Dallas", "Houston", "Seattle",
    "Scotland", "Wales", "England", "Westminster", "Whitehall", "Hollywood", "Silicon Valley",
}  # fmt: skip
_STOP_TOKENS = {"Brexit", "Aids", "GDP", "DNA", "TV", "GMT", "CEO", "MP", "MPs", "MEP", "MEPs",
    "AM", "PM", "OK", "ADSL", "AEST", "BST", "EST", "ET", "UTC", "ID", "IT", "AI", "II", "III",
    "IV", "VI", "X", "US$", "PAC", "PACs", "NB", "Q1", "Q2", "Q3", "Q4", "CLOSE", "LLC", "PLC",
    "NORC", "DLRS", "MLN", "REUTER", "REUTERS", "AND", "THE", "OF", "IN", "TO"}  # fmt: skip

_TOKEN = r"(?:[A-Z][\w'’\-]*[\w]|[A-Z]\.(?:[A-Z]\.)*|[A-Z])"
_CONNECT = (
    r"(?:\s(?:van|von|der|den|de|da|di|du|la|le|bin|al|of|for|of\sthe|for\sthe|for\sa|and|&)\s"
    r"|\s|-)"
)
_RUN = re.compile(rf"{_TOKEN}(?:{_CONNECT}{_TOKEN})*")
_SAY_AFTER = re.compile(
    r"^[\s,]*(?:\([^)]{1,40}\)\s*)?(?:said|says|told|wrote|added|argued|explained|noted|warned|insisted|tweeted|stated|declared|asked|replied|responded|reacted|commented|posted|announced)\b"
)
_SAY_BEFORE = re.compile(r"\b(?:said|says|told|wrote|added|according to|warned|noted|asked)\s$")


Token = tuple[int, int, str]
# Patterns used in the loops, compiled once.
_SENTENCE_OPENER = re.compile(r"(?:[.!?:]['\"”’]?\s+|\n\s*|[\"“‘(]\s*|[—–]\s)$")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][\w'’-]*")
_LOWER_WORD_WHOLE = re.compile(r"[a-z][\w'’-]*")
_WORD_CHAR = re.compile(r"[\w'’-]")
_POSSESSIVE = re.compile(r"(['’]s?)$")
_TRAILING_MARK = re.compile(r"['’]s?$|[.,:;]$")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
_CONTRACTION = re.compile(r"['’](?:m|ll|re|ve|d|t)$")
_HYPHEN_LOWER = re.compile(r"-[a-z]")
_DIGIT = re.compile(r"\d")
_ACRONYM_AFTER = re.compile(r",?\s\((?:[A-Z]\.?){2,6}\)")
_TICKER_AFTER = re.compile(r"\.[A-Z]{1,2}\)")
_ROLE_TOKEN = re.compile(r"[\w'’.-]+")
_WORDS = re.compile(r"[^\s]+")
_PERSON_TITLES = {
    "President", "Minister", "PM", "Chancellor", "Sen", "Senator", "Rep", "Representative", "Gov",
    "Governor", "Mayor", "Secretary", "Justice", "Judge", "King", "Queen", "Prince", "Princess",
    "Pope", "General", "Gen", "Commissioner", "Ambassador", "Speaker", "Chairman", "Premier",
    "Emperor", "Sheikh", "Archbishop", "Bishop", "Director", "Leader",
}  # fmt: skip
_THINGS = {
    "Plan", "Act", "Law", "Amendment", "Treaty", "Agreement", "Report", "Day", "War", "Clause",
    "Order", "Citizenship", "Security", "Medicare", "Medicaid", "Week", "Awards", "Hamper",
    "Programme", "Strategy", "Deal", "Summit", "Games", "Cup", "League", "Championship", "Prize",
    "Index", "Line", "Beds", "Policy", "Initiative", "Bill", "Budget", "Register", "Review",
    "Christmas", "Fashion", "Olympics", "Election", "Elections", "Referendum", "Protocol",
    "Accord", "Convention", "Declaration", "Constitution", "Charter", "Doctrine", "Era",
}  # fmt: skip
_SKIP = {
    "Truth Social", "Twitter", "Facebook", "Instagram", "TikTok", "YouTube", "WhatsApp",
    "Dow Jones",
    "Nasdaq", "FTSE", "Nikkei", "Standard & Poor", "Standard & Poor's", "Wall Street",
}  # fmt: skip
_PARTY_LABELS = {
    "Democrat", "Democrats", "Democratic", "Republican", "Republicans", "Conservative", "Labour",
    "Liberal", "Tory", "Tories", "European", "African", "Asian", "Western", "Eastern", "Northern",
    "Southern", "Catholic", "Muslim", "Christian", "Jewish", "Black", "White", "Latino", "Latinos",
    "Europeans", "Post", "Pre", "Framers", "Court", "Justices", "Forensic", "Asymmetric", "Local",
    "Carrier", "Digital", "Nuclear",
}  # fmt: skip


# A political party named by its adjective in a person's role: "Conservative leader Pierre
# Poilievre", "Republican Sen. Chuck Grassley". Longest first: "Liberal Democrat" before "Democrat".
_PARTY_ADJECTIVES = {
    "Liberal Democrat": "Liberal Democrats", "Lib Dem": "Liberal Democrats",
    "Conservative": "Conservative Party", "Tory": "Conservative Party", "Labour": "Labour Party",
    "Republican": "Republican Party", "Democratic": "Democratic Party",
    "Democrat": "Democratic Party",
}  # fmt: skip
_PARTY_LABEL = re.compile(
    r"\b(" + "|".join(sorted(_PARTY_ADJECTIVES, key=len, reverse=True)) + r")\b(?![ -][Pp]arty)"
)
_PARTY_LABEL_HINT = frozenset(
    {w.split()[0] for w in _PARTY_ADJECTIVES} | {"Lib"}
)  # the first word of each adjective, as a cheap test before the pattern
_PAST_ROLE = re.compile(r"\b(?:former|Former|ex-|Ex-)")
# A member written after a name: "Charles Schumer, New York Democrat", "Chuck Grassley, R-Iowa".
_MEMBER_AFTER_NAME = re.compile(
    r"(?:(?:[A-Z][a-z]+ ){0,2}(Democrat|Republican)|([DR])-[A-Z][a-z]+)"
)
_MEMBER_LETTER = {"D": "Democratic Party", "R": "Republican Party"}
# Institutions some papers write in lower case after their adjective: "the European parliament",
# "the Labour party".
_INSTITUTION_ADJECTIVES = {"European", *_PARTY_ADJECTIVES}
_INSTITUTION_AFTER = re.compile(
    r" (parliament|council|commission|party|court|union|assembly|central bank)\b"
)
_COMPANY_SUFFIXES = {"Inc", "Co", "Corp", "Ltd", "Plc", "PLC", "plc", "LLC", "Group", "Holdings"}
# An organisation named by a description that speaks: "the statistics department said",
# "according to the state prosecutors' office", "Para state prison authorities said".
_DESCRIBED_NOUNS = frozenset((
    "department", "ministry", "office", "agency", "bureau", "authorities", "authority",
    "commission", "council", "regulator", "watchdog",
))  # fmt: skip
_CITED_NOUN = re.compile(
    r"(?:the )?(?:[a-z]+['’]?s?['’]? ){1,3}(" + "|".join(sorted(_DESCRIBED_NOUNS)) + r")\b"
)
_DESCRIBED_SAYS = re.compile(
    r"\s(?:said|says|told|announced|announces|reported|reports|stated|confirmed|estimated|"
    r"estimates|warned|added)\b"
)
_DESCRIBED_WORDS = re.compile(r"(?:(?<=\s)|^)((?:[a-z]+['’]?s?['’]? ){1,3})$")
_NOT_DESCRIBING = {
    "the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "those",
    "which", "who", "whose", "new", "same", "other", "said", "and", "or", "of", "to", "in", "on",
    "at", "by", "for", "with", "from", "was", "is", "has", "had", "as", "according", "but",
    "when", "while", "after", "before", "then", "local",
}  # fmt: skip
_OWNERS = {"its", "their", "his", "her", "our"}
_MONTH_SURNAMES = {"May", "June", "April", "August"}
_DIGIT_AFTER = re.compile(r",?\s\d")
_INSTITUTION_FIRST = frozenset((" par", " cou", " com", " cou", " uni", " ass", " cen"))
_INSTITUTION_ORDER = sorted(_INSTITUTION_ADJECTIVES, key=len, reverse=True)
_CONNECTOR_END = re.compile(r"(?:\s(?:of|for|the|and|a|&))*\s*$")
_PREVIOUS_WORD = re.compile(r"([\w'’.-]+) $")

_ROLE_MODIFIERS = {
    "state", "prison", "prisons", "aviation", "finance", "health", "foreign", "vice", "senior",
    "chief", "general", "political", "economic", "global", "former", "shadow", "national",
    "international", "development", "affairs", "constitutional", "industry", "party",
    "opposition", "deputy", "veteran", "local", "regional", "policy", "ex-health", "managing",
    "executive", "campaign", "communications", "press", "defence", "defense", "interior", "trade",
}  # fmt: skip


_PRESS_WORDS = {
    "Guardian",
    "Times",
    "Telegraph",
    "Economist",
    "Independent",
    "Observer",
    "Post",
    "Journal",
}


@dataclass
class PartyDraft:
    """A party found in the text, with every span that mentions it."""

    name: str
    kind: str  # person | country | organization | group
    role: str | None = None
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    evidence: tuple[int, int] | None = None
    score: float = 0.0
    id: str = ""
    surname: str | None = None  # when it is not the last word: "Xi" of "Xi Jinping"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    party: str  # PartyDraft.name
    # Named in a person's role ("Democratic pollster John Anzalone"): the person speaks and acts.
    in_role: bool = False


def _has_apostrophe(word: str) -> bool:
    return "'" in word or "’" in word  # only such a word can be a contraction


def _is_acronym(word: str) -> bool:
    bare = word.replace(".", "").replace("&", "")
    return 2 <= len(bare) <= 6 and bare.isupper() and bare.isalpha()


def _sentence_start(text: str, offset: int) -> bool:
    if offset == 0:
        return True
    if not text[offset - 1].isspace() and text[offset - 1] not in '"“‘(':
        return False  # every way of opening a sentence ends with a space, a quote or a bracket
    return bool(_SENTENCE_OPENER.search(text[max(0, offset - 4) : offset]))


class _LowerWords:
    """Tell whether a text writes a word in lower case, as a whole word (a-z, then [\\w'’-])."""

    # A story asks about a few dozen capitalised words: finding each with `str.find` costs far
    # less than listing every word of the text first. Each search may read the whole text,
    # though, so past a budget of a few dozen readings the words are listed after all: a text
    # built to ask about thousands of words stays linear.
    BUDGET = 64

    def __init__(self, text: str) -> None:
        self.text = text
        self.known: dict[str, bool] = {}
        self.spent = 0  # in readings of the whole text
        self.listed: set[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self.listed is not None:
            return word in self.listed
        found = self.known.get(word)
        if found is None:
            found = self._written(word)
            if found is None:
                self.listed = set(_LOWER_WORD.findall(self.text))
                return word in self.listed
            self.known[word] = found
        return found

    def _written(self, word: str) -> bool | None:
        """Whether the text writes `word`; None once the budget is spent."""
        if not _LOWER_WORD_WHOLE.fullmatch(word):
            return False
        text, size = self.text, len(word)
        budget = self.BUDGET * max(1, len(text))
        self.spent += len(text)
        index = text.find(word)
        while index >= 0:
            if self.spent > budget:
                return None
            end = index + size
            # A whole word: no word character, apostrophe or hyphen either side.
            if (index == 0 or not _WORD_CHAR.match(text, index - 1)) and (
                end == len(text) or not _WORD_CHAR.match(text, end)
            ):
                return True
            self.spent += 1024  # a Python step costs about as much as reading a thousand characters
            index = text.find(word, index + 1)
        return False if self.spent <= budget else None


class _Finder:
    """One pass over the text collecting parties and their mentions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.parties: dict[str, PartyDraft] = {}
        self.surnames: dict[str, str] = {}
        self.mentions: list[Mention] = []
        self.honorific: set[str] = set()
        # Words written in lower case somewhere: "Long-dated" at a sentence start is a word.
        self.lower_words = _LowerWords(text)
        # A name's role is asked for twice (its words and where they start): read it once.
        self.roles_before: dict[int, list[tuple[int, str]]] = {}

    def add(
        self,
        name: str,
        kind: str,
        start: int,
        end: int,
        role: str | None = None,
        evidence: tuple[int, int] | None = None,
        score: float = 1.0,
        alias: bool = True,
        in_role: bool = False,
    ) -> None:
        party = self.parties.get(name)
        if party is None:
            party = self.parties[name] = PartyDraft(name=name, kind=kind, role=role)
        if role and not party.role:
            party.role = role
        if party.evidence is None:
            party.evidence = evidence or (start, end)
        party.mentions.append((start, end))
        party.score += score
        written = self.text[start:end]
        if alias and written != name and written not in party.aliases and len(party.aliases) < 50:
            party.aliases.append(written)
        self.mentions.append(Mention(start, end, name, in_role))
        if role and kind == "person" and evidence is not None and evidence[0] < start:
            self._role_party(evidence[0], start, end)  # only a mention read with a role

    def _role_party(self, role_start: int, name_start: int, name_end: int) -> None:
        """The political party a person's role names, unless the role is a past one."""
        role = self.text[role_start:name_start]
        if _PARTY_LABEL_HINT.isdisjoint(role.split()):
            return  # no party's adjective among the words: the commonest case, settled at once
        for label in _PARTY_LABEL.finditer(role):
            previous = _PREVIOUS_WORD.search(
                self.text, max(0, role_start + label.start() - 30), role_start + label.start()
            )
            word = previous.group(1) if previous else ""
            if word[:1].isupper() and word[-1] != "." and word not in _TITLES:
                continue  # "Liberal Democratic Party", "Social Democratic": another name
            if _PAST_ROLE.search(role, 0, label.start()):
                continue  # "former Labour cabinet minister": a past title
            start = role_start + label.start()
            self.add(
                _PARTY_ADJECTIVES[label.group(1)], "organization", start,
                start + len(label.group(1)), evidence=(start, name_end), in_role=True,
            )  # fmt: skip

    def run(self) -> None:
        for match in _RUN.finditer(self.text):
            self._classify(match.start(), match.end())
        self._described()
        self._lower_case_parties()
        self._resolve_surnames()

    def _lower_case_parties(self) -> None:
        text = self.text
        index = text.find("euro")  # the one word all of them start with: a single scan
        while index >= 0:
            for words, name in _LOWER_CASE_PARTIES.items():
                end = index + len(words)
                if (
                    text.startswith(words, index)
                    and not (index and text[index - 1].isalpha())
                    and not (end < len(text) and text[end].isalpha())
                ):
                    self.add(name, "organization", index, end)
                    break
            index = text.find("euro", index + 4)

    def _described(self) -> None:
        """Organisations named by a description, when they speak: "the statistics department"."""
        text = self.text
        for noun_start, noun_end in self._described_nouns():
            says = _DESCRIBED_SAYS.match(text, noun_end)
            before = text[max(0, noun_start - 50) : noun_start]
            if not says and "ccording to" not in before:
                continue  # neither speaks nor is cited: most such nouns
            found = _DESCRIBED_WORDS.search(before)
            if found is None:
                continue
            words = found.group(1).split()
            while words and words[0].lower() in _NOT_DESCRIBING:
                if words[0].lower() in _OWNERS:
                    break
                words = words[1:]  # "the" or "according to the": where the description starts
            if not words or any(w.lower() in _NOT_DESCRIBING for w in words):
                continue
            start = noun_start - len(" ".join(words)) - 1
            lead = before[: len(before) - (noun_start - start)]
            place = _PREVIOUS_WORD.search(lead)
            if lead.endswith(("'s ", "’s ", "s' ", "s’ ")) or (
                place and place.group(1).lower() in _OWNERS
            ):
                continue  # "Trump's press office": someone's own office counts under them
            if not says and not lead.lower().endswith(("according to the ", "according to ")):
                continue
            if place and lead.endswith(" ") and place.group(1) in _PLACES:
                start -= len(place.group(1)) + 1  # "Para state prison authorities"
            end = says.end() if says else noun_end
            self.add(text[start:noun_end], "organization", start, noun_end, evidence=(start, end))

    def _described_nouns(self) -> list[tuple[int, int]]:
        """Lower-case organisation nouns before "said" or "says", or cited after "according to"."""
        # Found from the few places that say who speaks, with `str.find`, not by a scan for nouns.
        text = self.text
        found = []
        for verb in (" said", " says"):
            index = text.find(verb)
            while index >= 0:
                space = text.rfind(" ", max(0, index - 14), index)
                if (
                    space > 0
                    and text[space + 1 : index] in _DESCRIBED_NOUNS
                    and (text[space - 1].islower() or text[space - 1] in "'’")
                ):
                    found.append((space + 1, index))
                index = text.find(verb, index + 5)
        index = text.find("ccording to ")
        while index >= 0:
            cited = _CITED_NOUN.match(text, index + 12)
            if cited:
                found.append(cited.span(1))
            index = text.find("ccording to ", index + 12)
        return found

    def _classify(self, start: int, end: int) -> None:
        run = self.text[start:end]
        if run in _NOT_NAMES:
            return  # "The", "But", "March": the commonest runs, settled at once
        last = run[-1]  # one character first: "Democrat" and "Republican" end in t and n
        member = ((last == "t" or last == "n") and run.endswith(("Democrat", "Republican"))) or (
            len(run) > 2 and run[1] == "-"  # "R-Iowa"
        )
        if member and self._member_after_name(run, start, end):
            return
        # A cheap test of the next letters first: most runs are followed by no institution.
        if self.text[end : end + 4] in _INSTITUTION_FIRST:
            noun = _INSTITUTION_AFTER.match(self.text, end)
            adjective = noun and next((a for a in _INSTITUTION_ORDER if run.endswith(a)), None)
            if (
                noun
                and adjective
                and (len(run) == len(adjective) or run[-len(adjective) - 1] == " ")
            ):
                self._institution(adjective, end - len(adjective), noun)
                head = _CONNECTOR_END.sub("", run[: len(run) - len(adjective)])
                if head:
                    self._classify(start, start + len(head))  # "Members of the" Labour party
                return
        if " " not in run:
            word = run if _INITIALS.fullmatch(run) else _TRAILING_MARK.sub("", run)
            if word in _NOT_NAMES or (
                word not in _TITLES
                and (
                    word.lower() in _ROLE_WORDS
                    or (_sentence_start(self.text, start) and self._common_word(word))
                )
            ):
                return  # an ordinary word that opens a sentence
            if word in COUNTRIES and word not in _AMBIGUOUS_COUNTRY:
                self._country(word, start, start + len(word))
                return
            if word in ORGANIZATIONS:
                if not (word in _FORUMS and _GATHERING_AFTER.match(self.text, start + len(word))):
                    self.add(ORGANIZATIONS[word], "organization", start, start + len(word))
                return  # "the G-20 summit" is an event someone attends, not a party
            if (
                word.isalpha()
                and not word.isupper()
                and word not in COUNTRIES
                and word not in ORGANIZATIONS
                and word not in _PLACES
                and word not in _ORG_WORDS
                and word not in _THINGS
                and word not in _TITLES
                and word not in _STOP_TOKENS
                and not self._common_word(word)
                and not _ACRONYM_AFTER.match(self.text, start + len(word))
            ):
                # The commonest proper noun: a lone name, resolved against full names at the end.
                self.mentions.append(Mention(start, start + len(word), word))
                return
        tokens = [(m.start() + start, m.end() + start, m.group()) for m in _WORDS.finditer(run)]
        for piece in self._split(tokens):
            self._classify_piece(piece)

    def _institution(self, run: str, start: int, noun: re.Match[str]) -> None:
        """An institution written in lower case after its adjective: "the European commission"."""
        if noun.group(1) == "party" and run in _PARTY_ADJECTIVES:
            name = _PARTY_ADJECTIVES[run]
        else:
            name = f"{run} {noun.group(1).title()}"
        self.add(ORGANIZATIONS.get(name, name), "organization", start, noun.end())

    def _member_after_name(self, run: str, start: int, end: int) -> bool:
        """A party member after a name: ", New York Democrat", ", R-Iowa", "a Republican"."""
        member = _MEMBER_AFTER_NAME.fullmatch(run)
        if member is None:
            return False
        before = self.text[max(0, start - 3) : start]
        if member.group(1) and not before.endswith((", ", " a ", "an ")):
            return False
        party = (
            _PARTY_ADJECTIVES[member.group(1)]
            if member.group(1)
            else _MEMBER_LETTER[member.group(2)]
        )
        label = member.start(1) if member.group(1) else 0
        # "R-Iowa" is no name of the party: the mention is kept, the alias is not.
        self.add(
            party,
            "organization",
            start + label,
            end,
            evidence=(start, end),
            alias=bool(member.group(1)),
            in_role=True,
        )
        return True

    @staticmethod
    def _possessive_name(word: str, following: str) -> bool:
        """Is a possessive part of a name? "Macy's Inc", "Trade Representative's Office"."""
        bare = following.rstrip(".,")
        if bare in _COMPANY_SUFFIXES:
            return True
        return bare in _ORG_WORDS and _POSSESSIVE.sub("", word) in _TITLES

    def _split(self, tokens: list[Token]) -> list[list[Token]]:
        """Cut a run at possessives, and at "and", "of", "for" unless an organisation's name holds
        them."""
        pieces: list[list[Token]] = []
        current: list[Token] = []
        for index, token in enumerate(tokens):
            word = token[2]
            if word == "&" and current and len(current) == 1 and current[0][2] in COUNTRIES:
                pieces.append(current)
                current = []
                continue
            if word in ("and", "of", "for", "a") and current:
                left_org = current[-1][2].rstrip(".,") in _ORG_WORDS or current[-1][2] in (
                    "Members",
                    "Register",
                    "for",
                )
                right_org = any(t[2] in _ORG_WORDS for t in tokens[index + 1 :])
                if word == "and" and not left_org and right_org:
                    current.append(token)  # "House Ways and Means Committee"
                    continue
                if word == "and" or not left_org:
                    pieces.append(current)
                    current = []
                    continue
            possessive = _POSSESSIVE.search(word)
            if (
                possessive
                and index < len(tokens) - 1
                and not self._possessive_name(word, tokens[index + 1][2])
            ):
                cut = token[1] - len(possessive.group(1))
                current.append((token[0], cut, word[: len(word) - len(possessive.group(1))]))
                pieces.append(current)
                current = []
                continue
            current.append(token)
        if current:
            pieces.append(current)
        return pieces

    def _classify_piece(self, tokens: list[Token]) -> None:
        text = self.text
        if not tokens:
            return
        last = tokens[-1]
        cleaned = _TRAILING_MARK.sub("", last[2]) if not _INITIALS.fullmatch(last[2]) else last[2]
        if len(tokens) > 1 and len(last[2]) == 2 and last[2][1] == ".":
            cleaned = last[2][0]  # "Comando Classe A." ends a sentence: no initial ends a name
        tokens = (
            [*tokens[:-1], (last[0], last[0] + len(cleaned), cleaned)] if cleaned else tokens[:-1]
        )
        tokens = [t for t in tokens if not (_has_apostrophe(t[2]) and _CONTRACTION.search(t[2]))]
        # Leading words that begin a sentence but name nothing.
        lead_role: list[str] = []
        while (
            tokens
            and tokens[0][2] not in _TITLES
            and (
                (_sentence_start(text, tokens[0][0]) and self._common_word(tokens[0][2]))
                or tokens[0][2].lower() in _ROLE_WORDS
            )
        ):
            if tokens[0][2].lower() in _ROLE_WORDS:
                lead_role.append(tokens[0][2])
            tokens = tokens[1:]
        while (
            tokens
            and len(tokens) > 1
            and tokens[-1][2].rstrip(".") in _TITLES
            and tokens[-1][2].rstrip(".") in _PERSON_TITLES
        ):
            tokens = tokens[:-1]  # "South Carolina Sen." before a name: the title of the next run
        while tokens and (
            tokens[0][2].lower() in ("the", "of", "and", "for", "on", "a", "&")
            or _HYPHEN_LOWER.search(tokens[0][2])
        ):
            tokens = tokens[1:]
        while tokens and (
            (
                tokens[-1][2].lower() in ("the", "of", "and", "for", "on", "a", "&")
                and tokens[-1][2] != "A"
            )
            or tokens[-1][2] in _STOP_TOKENS
        ):
            tokens = tokens[:-1]
        if not tokens:
            return
        # Country pairs written with a hyphen: "US-Canada relations".
        if len(tokens) == 1 and "-" in tokens[0][2]:
            parts = tokens[0][2].split("-")
            if all(part in COUNTRIES for part in parts):
                offset = tokens[0][0]
                for part in parts:
                    self._country(part, offset, offset + len(part))
                    offset += len(part) + 1
                return
        # A nationality or a country leading the run: "Canadian Prime Minister Mark Carney".
        while len(tokens) > 1:
            two = f"{tokens[0][2]} {tokens[1][2]}"
            if two in COUNTRIES and (
                len(tokens) == 2 or not self._org_words([t[2] for t in tokens[2:]])
            ):
                self._country(two, tokens[0][0], tokens[1][1])
                tokens = tokens[2:]
                continue
            word = tokens[0][2]
            if word in COUNTRIES and not self._org_words([t[2] for t in tokens[1:]]):
                self._country(word, tokens[0][0], tokens[0][1])
                tokens = tokens[1:]
                continue
            break
        if not tokens:
            return
        words = [t[2] for t in tokens]
        phrase = text[tokens[0][0] : tokens[-1][1]]
        if (
            len(words) > 1
            and all(w.isupper() for w in words if w.isalpha())
            and phrase not in ORGANIZATIONS
        ):
            return  # a dateline or a headline in capitals
        if phrase in COUNTRIES:
            if phrase in _AMBIGUOUS_COUNTRY:
                return
            self._country(phrase, tokens[0][0], tokens[-1][1])
            return
        if phrase in ORGANIZATIONS:
            self.add(ORGANIZATIONS[phrase], "organization", tokens[0][0], tokens[-1][1])
            return
        if phrase in _PLACES or phrase in _SKIP or any(map(_DIGIT.search, words)):
            return
        headed = len(words) > 2 and words[0] in _ORG_WORDS and words[1] in ("of", "for")
        if not headed and (
            words[-1] in _THINGS or (not _THINGS.isdisjoint(words) and not self._org_words(words))
        ):
            return  # "Budget", "Federal Reserve Act"; but "Committee for a Responsible Budget"
        titles = [i for i, w in enumerate(words) if w in _TITLES or w.rstrip(".") in _TITLES]
        if len(titles) == len(words):
            return  # "Prime Minister" alone
        # A title inside the run splits it: "Home Office Minister Ann Widdecombe".
        last_title = max((i for i in titles if i < len(words) - 1), default=-1)
        person_tail = words[last_title + 1 :]
        title_word = words[last_title].rstrip(".") if last_title >= 0 else ""
        if (
            last_title >= 0
            and (title_word in _PERSON_TITLES or title_word in _HONORIFIC_WORDS)
            and 1 <= len(person_tail) <= 4
            and all(w[:1].isupper() for w in person_tail)
            and not self._org_words(person_tail)
            and " ".join(person_tail) not in COUNTRIES
        ):
            role_words = words[: last_title + 1]
            role = " ".join(w for w in role_words if w.rstrip(".") not in _HONORIFICS) or None
            honorific = role_words[-1].rstrip(".") in _HONORIFIC_WORDS
            name_tokens = tokens[last_title + 1 :]
            lead = self._role_span(tokens[0][0])
            before_role = self._role_before(tokens[0][0])
            if before_role:
                role = f"{before_role} {role}" if role else before_role
            if len(person_tail) == 1:
                word = person_tail[0]
                strong = role_words[-1].rstrip(".") in _PERSON_TITLES
                if honorific:
                    self._honorific(role_words[-1], word, tokens[0][0], tokens[-1][1])
                elif strong and word not in _NOT_NAMES:
                    full = self.surnames.get(word)
                    if full:
                        self.add(full, "person", name_tokens[0][0], name_tokens[-1][1])
                    else:
                        self.add(
                            word,
                            "person",
                            name_tokens[0][0],
                            name_tokens[-1][1],
                            role=role,
                            evidence=(lead if lead is not None else tokens[0][0], tokens[-1][1]),
                        )
                        self.surnames.setdefault(word, word)
                return
            self._person(
                name_tokens, role, (lead if lead is not None else tokens[0][0], tokens[-1][1])
            )
            return
        followed = self.text[tokens[-1][1] : tokens[-1][1] + 12]
        if self._org_words(words) or _ACRONYM_AFTER.match(followed):
            if len(words) == 1 and words[0] in _ORG_WORDS:
                before = text[max(0, tokens[0][0] - 4) : tokens[0][0]]
                if before in ("The ", "the ") and words[0] in _PRESS_WORDS:
                    self.add(f"The {words[0]}", "organization", tokens[0][0] - 4, tokens[-1][1])
                return
            self.add(phrase, "organization", tokens[0][0], tokens[-1][1])
            return
        if len(words) == 1:
            word = words[0]
            if _is_acronym(word):
                if (
                    word in _STOP_TOKENS
                    or _TICKER_AFTER.match(followed)
                    or word.lower() in self.lower_words
                ):
                    return
                self.add(word, "organization", tokens[0][0], tokens[-1][1])
                return
            if len(word) > 1 and word not in _STOP_TOKENS and not self._common_word(word):
                self.mentions.append(
                    Mention(tokens[0][0], tokens[0][1], word)
                )  # resolved at the end
            return
        label: list[str] = []
        while len(tokens) > 2 and (tokens[0][2] in _PARTY_LABELS or tokens[0][2] in _TITLES):
            label.append(tokens[0][2])
            tokens = tokens[1:]
        words = [t[2] for t in tokens]
        if (
            any(
                (w[:1].isupper() and len(w) > 1 and self._common_word(w)) or w in _PARTY_LABELS
                for w in (
                    words[:-1]
                    if words[-1] in _MONTH_SURNAMES and self._month_surname(words, tokens[-1][1])
                    else words
                )
            )
            or len(words) > 4
        ):
            return
        if not label and _ORG_DESCRIPTOR.search(self.text, max(0, tokens[0][0] - 30), tokens[0][0]):
            # "US bank Wells Fargo", "California-based Wells Fargo": a firm, not a person
            self.add(" ".join(words), "organization", tokens[0][0], tokens[-1][1])
            return
        lead = self._role_span(tokens[0][0])
        role = self._role_before(tokens[0][0])
        if label:
            role = " ".join([*([role] if role else []), *label])
        self._person(tokens, role, (lead if lead is not None else tokens[0][0], tokens[-1][1]))

    def _month_surname(self, words: list[str], end: int) -> bool:
        """Is a month the surname ending a name? "Theresa May", not "Monday May 5"."""
        return (
            words[-1] in _MONTH_SURNAMES
            and len(words) in (2, 3)
            and not self._common_word(words[0])
            and not _DIGIT_AFTER.match(self.text, end)
        )

    def _person(
        self, name_tokens: list[Token], role: str | None, evidence: tuple[int, int]
    ) -> None:
        name_words = [t[2] for t in name_tokens]
        if name_words[0] in _NOT_NAMES or any(
            w in _STOP_TOKENS or w in _PARTY_LABELS for w in name_words
        ):
            return
        start = name_tokens[0][0]
        if start and (self.text[start - 1] in ".-+&/" or self.text[start - 1].isalnum()):
            return  # the end of a longer token: "S. Status" of "Japan-U.S. Status of Forces"
        name = " ".join(name_words)
        if name in _PLACES or name in COUNTRIES:
            return
        self.add(
            name, "person", name_tokens[0][0], name_tokens[-1][1], role=role, evidence=evidence
        )
        self.surnames.setdefault(name_words[-1], name)

    def _common_word(self, word: str) -> bool:
        """A capitalised word that is an ordinary word: listed, or written in lower case
        elsewhere."""
        if word in _NOT_NAMES or word in _STOP_TOKENS:
            return True
        if word.isupper():
            return False
        return word.lower() in self.lower_words

    def _honorific(self, title: str, word: str, start: int, end: int) -> None:
        full = self.surnames.get(word)
        if full and title.rstrip(".") in ("Mr", "Sir", "Lord", "Dr"):
            # "Lady Starmer" is not "Keir Starmer": only a title of the same person joins
            self.add(full, "person", start, end)
            return
        first_names = {
            p.name.split()[0]: p.name
            for p in self.parties.values()
            if p.kind == "person" and " " in p.name
        }
        if title.rstrip(".") in ("Sir", "Dame") and word in first_names:
            self.add(first_names[word], "person", start, end)
            return
        name = (
            f"{title.rstrip('.')} {word}"
            if title.rstrip(".") in ("Lord", "Lady", "Dame", "Sir")
            else word
        )
        if title.rstrip(".") in ("Mr", "Dr", "Mrs", "Ms", "Miss"):
            # "Mr Manuel" before "Trevor Manuel" is known: keep the surname, resolve later
            self.mentions.append(Mention(start, end, word))
            self.honorific.add(word)
            return
        self.add(name, "person", start, end)
        if title.rstrip(".") == "Lord":
            self.surnames.setdefault(word, name)

    def _org_words(self, words: list[str]) -> bool:
        return any(w.rstrip(".,") in _ORG_WORDS for w in words)

    def _country(self, word: str, start: int, end: int) -> None:
        self.add(COUNTRIES[word], "country", start, end)

    def _speaks(self, end: int, start: int) -> bool:
        return bool(
            _SAY_AFTER.match(self.text[end : end + 40])
            or _SAY_BEFORE.search(self.text[max(0, start - 20) : start])
        )

    def _role_words_before(self, offset: int) -> list[tuple[int, str]]:
        """Role words just before a name, nearest first: "Conservative leader" Pierre Poilievre."""
        found = self.roles_before.get(offset)
        if found is None:
            found = self.roles_before[offset] = self._read_role_words_before(offset)
        return found

    def _read_role_words_before(self, offset: int) -> list[tuple[int, str]]:
        window_start = max(0, offset - 80)
        before = self.text[window_start:offset]
        found: list[tuple[int, str]] = []
        position = len(before)
        words = list(_ROLE_TOKEN.finditer(before))
        stop = -1  # the index in `words` of the word the role stopped at
        for index in range(len(words) - 1, -1, -1):
            word = words[index]
            stop = index
            if before[word.end() : position].strip():
                break  # punctuation between: the role ended
            token = word.group()
            bare = token.lower().rstrip(".")
            if token.endswith(".") and bare not in _ROLE_WORDS:
                break  # the end of the sentence before
            if token in _NOT_NAMES or bare in (
                "the",
                "a",
                "an",
                "and",
                "of",
                "said",
                "by",
                "to",
                "with",
            ):
                break
            is_role = bare in _ROLE_WORDS or bare.rstrip("s") in _ROLE_WORDS
            if is_role or (found and (token[:1].isupper() or bare in _ROLE_MODIFIERS)):
                found.append((window_start + word.start(), token))
                position = word.start()
                stop = -1
                continue
            break
        if found and stop >= 0 and _cut_name(words, stop):
            # "Democratic Party for the People leader", "Bank of England governor": the capitalised
            # words are the end of a longer name, not the role's; the role is what remains.
            while len(found) > 1 and found[-1][1][:1].isupper():
                found.pop()
        return found

    def _role_before(self, offset: int) -> str | None:
        found = self._role_words_before(offset)
        if not found:
            return None
        return " ".join(t for _, t in reversed(found))

    def _role_span(self, offset: int) -> int | None:
        found = self._role_words_before(offset)
        return found[-1][0] if found else None

    def _lone_name(self, word: str, spans: list[tuple[int, int]], families: set[str]) -> bool:
        """Whether a capitalised word met alone may name a party: not a piece of a longer token
        ("One.Tel", "Japan-U.S."), nor a word before a number ("Number 10", "Radio 4"), a US
        state in a dateline ("Wis."), an adjective of a region ("Midwestern"), a family named
        by a known surname ("the Starmers") or a word of two letters ("Em" of "Me+Em")."""
        if len(word) < 3 or word.endswith("ern") or word in families:
            return False
        text = self.text
        for start, end in spans:
            before = text[start - 1] if start else " "
            after = text[end : end + 2]
            if before in ".-+&/" or (after[:1] in ".-+&/" and after[1:2].isalnum()):
                return False
            if _NUMBER_AFTER.match(text, end):
                return False
            if word in _STATE_ABBREVIATIONS and after[:1] == ".":
                return False
        return True

    def _resolve_surnames(self) -> None:
        """Join surname-only mentions to the full name; keep lone names that act as parties."""
        resolved: list[Mention] = []
        lone: dict[str, list[tuple[int, int]]] = {}
        for mention in self.mentions:
            if mention.party in self.parties:
                resolved.append(mention)
                continue
            full = self.surnames.get(mention.party)
            if full and full in self.parties:
                party = self.parties[full]
                party.mentions.append((mention.start, mention.end))
                party.score += 1
                if mention.party not in party.aliases:
                    party.aliases.append(mention.party)
                resolved.append(Mention(mention.start, mention.end, full))
                continue
            lone.setdefault(mention.party, []).append((mention.start, mention.end))
        families = {f"{surname}{end}" for surname in self.surnames for end in ("s", "es")}
        for word, spans in lone.items():
            if (
                word in COUNTRIES
                or word in _PLACES
                or word in _ORG_WORDS
                or word in _PARTY_LABELS
                or word in _THINGS
                or word in _SKIP
                or not self._lone_name(word, spans, families)
            ):
                continue
            speaks = any(self._speaks(e, s) for s, e in spans)
            inside = any(not _sentence_start(self.text, s) for s, _ in spans)
            possessive = any(self.text.startswith(("'s ", "’s "), e) for _, e in spans)
            if word in self.honorific or speaks or inside or possessive:
                kind = (
                    "person"
                    if word in self.honorific or (speaks and not word.endswith("s"))
                    else "organization"
                )
                for s, e in spans:
                    self.add(
                        word, kind, s, e, score=1.0 if speaks or word in self.honorific else 0.5
                    )
                resolved.extend(Mention(s, e, word) for s, e in spans)
        self.mentions = sorted(resolved, key=lambda m: m.start)


_NUMBER_AFTER = re.compile(r" \d")
# Two-letter and dotted abbreviations of US states, as datelines write them ("LA CROSSE, Wis.").
_STATE_ABBREVIATIONS = {
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Ky",
    "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa",
    "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo",
}  # fmt: skip


_CONNECTORS = {"the", "of", "for", "and", "de", "du", "des", "la", "le", "del", "der", "von"}


def _cut_name(words: list[re.Match[str]], stop: int) -> bool:
    """Whether the word a role stopped at joins a name that goes on before it: the connectors of
    "Party for the People", "Bank of England", then a capitalised word."""
    index = stop
    if words[index].group().lower() not in _CONNECTORS:
        return False
    while index >= 0 and words[index].group().lower() in _CONNECTORS:
        index -= 1
    return index >= 0 and words[index].group()[:1].isupper()


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper() and w not in ("The", "&"))


def _join_short_names(finder: _Finder) -> None:
    """One party per entity: "CBO" joins "Congressional Budget Office", "Xi" joins "Xi Jinping"."""
    parties = finder.parties
    joined: dict[str, str] = {}
    acronyms = [p for p in parties.values() if p.kind == "organization" and _is_acronym(p.name)]
    surnames = [p for p in parties.values() if p.kind == "person" and " " not in p.name]
    if not acronyms and not surnames:
        return
    # Full names by their initials and by their first and last words, built once.
    by_key: dict[tuple[str, str], list[PartyDraft]] = {}
    for party in parties.values():
        if " " not in party.name:
            continue
        if party.kind == "organization" and acronyms:
            by_key.setdefault(("organization", _initials(party.name)), []).append(party)
        elif party.kind == "person" and surnames:
            words = party.name.split()
            for word in {words[0], words[-1]}:
                by_key.setdefault(("person", word), []).append(party)
    for party in [*acronyms, *surnames]:
        found = by_key.get((party.kind, party.name), [])
        if len(found) != 1:
            continue  # none, or two that could be meant: keep them apart
        full = found[0]
        full.mentions = sorted([*full.mentions, *party.mentions])
        full.score += party.score
        for alias in (party.name, *party.aliases):
            if alias != full.name and alias not in full.aliases:
                full.aliases.append(alias)
        if full.role is None:
            full.role = party.role
        if party.name == full.name.split()[0]:
            full.surname = party.name  # "President Xi": the surname comes first
        joined[party.name] = full.name
        del parties[party.name]
    if joined:
        finder.mentions = [
            Mention(m.start, m.end, joined[m.party], m.in_role) if m.party in joined else m
            for m in finder.mentions
        ]


def _join_national_names(finder: _Finder) -> None:
    """One party for "US Federal Reserve" and "Federal Reserve", "U.S. Supreme Court" and
    "Supreme Court": an organisation named again without its country is the same one. It keeps
    the name without the country, which other articles write in other ways ("U.S.", "US"), so
    that the briefs of a library name it alike; the longer names are its aliases."""
    parties = finder.parties
    by_name = {p.name: p for p in parties.values() if p.kind == "organization"}
    joined: dict[str, str] = {}
    for party in by_name.values():
        words = party.name.split()
        for cut in range(min(3, len(words) - 1), 0, -1):
            if " ".join(words[:cut]) not in COUNTRIES:
                continue
            short = by_name.get(" ".join(words[cut:]))
            if short is not None and short.name not in joined:
                short.mentions = sorted([*short.mentions, *party.mentions])
                short.score += party.score
                for alias in (party.name, *party.aliases):
                    if alias != short.name and alias not in short.aliases:
                        short.aliases.append(alias)
                short.role = short.role or party.role
                joined[party.name] = short.name
            break
    for name in joined:
        del parties[name]
    if joined:
        finder.mentions = [
            Mention(m.start, m.end, joined[m.party], m.in_role) if m.party in joined else m
            for m in finder.mentions
        ]


def find_parties(text: str) -> tuple[list[PartyDraft], list[Mention]]:
    """Every party of the text, most mentioned first, and every mention in text order."""
    finder = _Finder(text)
    finder.run()
    _join_short_names(finder)
    _join_national_names(finder)
    parties = sorted(finder.parties.values(), key=lambda p: (-p.score, p.mentions[0][0]))
    used: set[str] = set()
    for party in parties:
        base = (
            slugify(
                (party.surname or party.name.split()[-1]) if party.kind == "person" else party.name,
                60,
            )
            or "party"
        )
        candidate = base
        if candidate in used and party.kind == "person":
            candidate = slugify(party.name, 60) or base
        number = 2
        while candidate in used:
            candidate = f"{base}-{number}"
            number += 1
        used.add(candidate)
        party.id = candidate
        party.aliases = [a for a in party.aliases if a != party.name][:50]
    return parties, finder.mentions
