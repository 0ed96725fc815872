"""Offline stand-in for the W3C Feed Validation Service (https://validator.w3.org/feed/).

The project promises RSS 2.0 and Atom 1.0 output with zero errors under the W3C
validator's rules.  CI cannot reach the service, so this module re-implements the rules
of its engine (github.com/w3c/feedvalidator, ``src/feedvalidator``) that apply to the
documents we publish.  The engine was read as a reference; nothing is copied from it.

``check_rss`` and ``check_atom`` return what the service would print as errors and
warnings, one string each, ``"error: line N: <message>"`` or ``"warning: line N: ..."``.
Message texts follow the service's English catalogue (``i18n/en.py``), so a failure can be
looked up in its documentation (``docs/error/<Class>.html``, ``docs/warning/<Class>.html``).
An empty list means "valid, and no warnings".

Rules covered (validator class names in brackets)
-------------------------------------------------
Document: well-formedness, undefined entities [SAXError]; XML version [BadXmlVersion];
undecodable bytes [UnicodeError]; C1 controls, U+FFFD and double-encoded UTF-8
[BadCharacters]; namespace declarations [ReservedPrefix, MediaRssNamespace,
AvoidNamespacePrefix, UnknownNamespace, UnsupportedNamespace]; xml:lang codes
[InvalidLanguage]; unexpected attributes [UnexpectedAttribute, UseOfExtensionAttr];
stray text and child elements [UnexpectedText, UndefinedElement].
Project rule, reported as warnings: an XML declaration naming UTF-8 must be present (the
service only *recommends* a declaration [MissingEncoding] and accepts UTF-16; it warns
about uncommon names such as "utf8" [ObscureEncoding]).

RSS 2.0: rss/version [MissingAttribute, InvalidRSSVersion]; channel title/link/description
[MissingTitle, MissingLink, MissingDescription]; one-per-parent elements [DuplicateElement];
core-vs-extension overlaps (author/dc:creator, pubDate/dc:date, ...) [DuplicateSemantics,
DuplicateItemSemantics]; item title or description [ItemMustContainTitleOrDescription];
missing guid [MissingGuid]; guid permalinks must be full URLs, not tag:/urn:uuid:
[InvalidHttpGUID, InvalidPermalink], isPermaLink values [InvalidBooleanAttribute],
short numeric guids [NotSufficientlyUnique], duplicate guids [DuplicateValue];
absolute links (link, comments, docs, source/url, image) [InvalidFullLink, InvalidUriChar,
UriNotIri, SchemeNotIANARegistered]; RFC 822 dates incl. day-of-week, zone and plausibility
[InvalidRFC2822Date, IncorrectDOW, ProblematicalRFC822Date, ImplausibleDate];
author/managingEditor/webMaster e-mail format [InvalidContact, EmailFormat,
MissingRealName]; enclosure url/length/type [MissingAttribute, InvalidURLAttribute,
InvalidIntegerAttribute, InvalidNonNegativeInteger, UseZeroForUnknown,
InvalidMIMEAttribute, DuplicateEnclosure]; ttl [InvalidPositiveInteger]; language
[InvalidLanguage]; HTML where plain text is expected [ContainsHTML, CharacterData];
unsafe markup in description/content:encoded [SecurityRisk, SecurityRiskAttr,
DangerousStyleAttr, NotHtml] and relative links in it [ContainsRelRef];
description before content:encoded [NeedDescriptionBeforeContent]; metadata after items
[MisplacedItem]; atom:link rel=self present, absolute and matching ``self_url``
[MissingAtomSelfLink, RelativeSelf, SelfDoesntMatchLocation, SelfNotAtom]; image
[MissingElement, ImageLinkDoesntMatch, ImageTitleDoesntMatch, ImageUrlFormat, InvalidWidth,
InvalidHeight]; cloud attributes; textInput [AvoidTextInput]; slash:comments [SlashDate];
dc:date [InvalidW3CDTFDate]; Media RSS content, thumbnail, title/description, group,
credit, category, player, copyright, hash, rating, restriction, adult.

Atom 1.0: root element and namespace [ObsoleteNamespace]; feed and entry id/title/updated
[MissingElement]; author on feed or every entry; ids as full IRIs incl. tag:, urn:uuid: and
other URN syntax and canonical form [InvalidFullLink, InvalidTAG, InvalidUUID, InvalidURN,
NonCanonicalURI]; whitespace in id/updated/published [UnexpectedWhitespace]; RFC 3339 dates
[InvalidRFC3339Date, ImplausibleDate]; duplicate ids/updated [DuplicateEntries,
DuplicateIds, DuplicateUpdated]; content or alternate link [MissingContentOrAlternate],
summary [MissingSummary, MissingTextualContent]; text construct types text/html/xhtml and
MIME content [InvalidTextType, InvalidMIMEType, ContainsUndeclaredHTML, MissingXhtmlDiv,
MissingTypeAttr, NotBase64, HtmlFragment, NotInline, NotBlank]; link href/rel/type/length/
hreflang [MissingHref, InvalidIRI, UnregisteredAtomLinkRel, AttrNotBlank,
FeedHistoryRelInEntry, AtomLinkNotEmpty]; duplicate alternate links [DuplicateAtomLink];
rel=self [MissingSelf, RelativeSelf, SelfDoesntMatchLocation]; metadata after entries
[MisplacedMetadata]; person constructs [MissingElement name, InvalidAddrSpec, ContainsEmail];
categories [MissingAttribute term]; icon/logo.

Knowingly not covered
---------------------
* Anything about HTTP: media type and charset headers, compression, redirects
  [UnexpectedContentType, EncodingMismatch, TextXml, Uncompressed, TempRedirect].  The
  self-link comparison runs only when ``self_url`` is given (the service compares with the
  URL it fetched; fed by direct input it always warns about the self link).
* DNS lookups of e-mail domains [UnknownHost]: syntactically valid addresses pass.
* html5lib's strict parse of embedded HTML [NotHtml "Invalid HTML"]: lxml is lenient, so
  unbalanced or malformed markup is not reported, while the tag/attribute/style rules are
  applied to whatever lxml builds (the service stops at the first parse error instead).
* Recommendations, the service's third tier below warnings (missing language or xml:lang,
  non-standard prefixes, missing encoding declaration): not reported, apart from the
  project's own encoding rule above.
* Extensions other than Dublin Core, content, Atom-in-RSS and Media RSS (iTunes, GeoRSS,
  Google Base, OpenSearch, feed history, threading, slash, wfw, sy, ...) are accepted
  unchecked; RSS 0.9x/1.0 specifics, DTDs, skipHours/skipDays/textInput contents,
  atom:generator attributes and the contents of atom:source are not checked either.
* The ISO 639 list is ISO 639-1 plus 639-2 (T and B codes) and the "i"/"x" prefixes;
  the service's own table may differ for a few rare or retired codes.

Extra (not a W3C rule, marked as such): ``javascript:`` URLs in embedded HTML.  The
service does not flag them (it treats any ``scheme:`` as absolute); this checker warns,
because the project must not publish them either.
"""

from __future__ import annotations

import binascii
import codecs
import datetime as dt
import html
import re
import time
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from email.utils import getaddresses, mktime_tz, parsedate_tz
from html.entities import name2codepoint
from urllib.parse import quote, unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

Element = etree._Element
Issue = tuple[str, str]  # (level, message)

ERROR = "error"
WARNING = "warning"

ATOM_NS = "http://www.w3.org/2005/Atom"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"
XML_BASE = f"{{{XML_NS}}}base"
THREAD_NS = "http://purl.org/syndication/thread/1.0"
INDEXING_NS = "urn:atom-extension:indexing"
RSSBOARD_DOCS = "http://www.rssboard.org/rss-specification"


def _words(text: str, sep: str | None = None) -> frozenset[str]:
    """A word list written as prose: whitespace- (or `sep`-) separated entries."""
    return frozenset(part.strip() for part in text.split(sep) if part.strip())


# --------------------------------------------------------------------------------------
# Reference data (facts the validator works from)
# --------------------------------------------------------------------------------------

# Namespaces the validator knows, with the prefix it expects for each.
KNOWN_NAMESPACES: dict[str, str] = {
    "http://www.bloglines.com/about/specs/fac-1.0": "access",
    "http://webns.net/mvcb/": "admin",
    "http://purl.org/rss/1.0/modules/aggregation/": "ag",
    "http://purl.org/rss/1.0/modules/annotate/": "annotate",
    "http://www.w3.org/2007/app": "app",
    "http://media.tangent.org/rss/1.0/": "audio",
    "http://backend.userland.com/blogChannelModule": "blogChannel",
    "http://web.resource.org/cc/": "cc",
    "http://www.microsoft.com/schemas/rss/core/2005": "cf",
    "http://backend.userland.com/creativeCommonsRssModule": "creativeCommons",
    "http://purl.org/rss/1.0/modules/company": "company",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://conversationsnetwork.org/rssNamespace-1.0/": "conversationsNetwork",
    "http://my.theinfo.org/changed/1.0/rss/": "cp",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/rss/1.0/modules/email/": "email",
    "http://purl.org/rss/1.0/modules/event/": "ev",
    "http://purl.org/syndication/history/1.0": "fh",
    "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo",
    "http://geourl.org/rss/module/": "geourl",
    "http://www.georss.org/georss": "georss",
    "http://www.opengis.net/gml": "gml",
    "http://postneo.com/icbm": "icbm",
    "http://purl.org/rss/1.0/modules/image/": "image",
    "urn:atom-extension:indexing": "indexing",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://purl.org/rss/1.0/modules/link/": "l",
    "http://search.yahoo.com/mrss/": "media",
    "http://www.w3.org/1998/Math/MathML": "mathml",
    "http://a9.com/-/spec/opensearchrss/1.0/": "opensearch10",
    "http://a9.com/-/spec/opensearch/1.1/": "opensearch",
    "http://www.opml.org/spec2": "opml",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://purl.org/rss/1.0/modules/reference/": "ref",
    "http://purl.org/rss/1.0/modules/richequiv/": "reqv",
    "http://purl.org/rss/1.0/modules/rss091#": "rss091",
    "http://purl.org/rss/1.0/modules/search/": "search",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://purl.org/rss/1.0/modules/servicestatus/": "ss",
    "http://hacks.benhammersley.com/rss/streaming/": "str",
    "http://purl.org/rss/1.0/modules/subscription/": "sub",
    "http://feedsync.org/2007/feedsync": "sx",
    "http://www.w3.org/2000/svg": "svg",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
    "http://purl.org/rss/1.0/modules/threading/": "thr",
    "http://purl.org/syndication/thread/1.0": "thr",
    "http://madskills.com/public/xml/rss/module/trackback/": "trackback",
    "http://wellformedweb.org/CommentAPI/": "wfw",
    "http://purl.org/rss/1.0/modules/wiki/": "wiki",
    "http://www.usemod.com/cgi-bin/mb.pl?ModWiki": "wiki",
    "http://schemas.xmlsoap.org/soap/envelope/": "soap",
    "http://www.w3.org/2005/Atom": "atom",
    "http://www.w3.org/1999/xhtml": "xhtml",
    "http://my.netscape.com/rdf/simple/0.9/": "rss090",
    "http://purl.org/rss/1.0/": "rss1",
    "http://purl.org/net/rss1.1#": "rss11",
    "http://base.google.com/ns/1.0": "g",
    "http://www.w3.org/XML/1998/namespace": "xml",
    "http://openid.net/xmlns/1.0": "openid",
    "http://earth.google.com/kml/2.0": "kml20",
    "http://earth.google.com/kml/2.1": "kml21",
    "http://www.opengis.net/kml/2.2": "kml22",
    "http://www.w3.org/1999/xlink": "xlink",
    "xri://$xrd*($v*2.0)": "xrd",
    "xri://$xrds": "xrds",
}
UNSUPPORTED_NAMESPACES: dict[str, tuple[str, str]] = {
    "http://schemas.google.com/g/2005": (
        "Google Data",
        "https://developers.google.com/gdata/docs/1.0/elements",
    ),
    "http://www.rawvoice.com/rawvoiceRssModule/": (
        "RawVoice",
        "http://www.rawvoice.com/services/tools-and-resources/"
        "rawvoice-rss-2-0-module-xmlns-namespace-rss2/",
    ),
}
MEDIA_NS_WITHOUT_SLASH = "http://search.yahoo.com/mrss"


def _near_miss(uri: str) -> str:
    """Namespace key as the validator matches it: lower-cased, trailing non-word cut."""
    match = re.match(r".*\w", uri)
    return match.group().lower() if match else uri


_PREFIX_BY_NEAR_NS = {_near_miss(uri): prefix for uri, prefix in KNOWN_NAMESPACES.items()}
_PREFERRED_URI: dict[str, str] = {}
for _uri, _prefix in KNOWN_NAMESPACES.items():
    _PREFERRED_URI.setdefault(_prefix, _uri)

# Extension prefixes whose vocabulary this checker models; unknown names in them are errors.
RSS_MODELED_PREFIXES = frozenset({"atom", "dc", "content", "media"})

# IANA URI schemes as known to the validator (anything else draws a warning).
IANA_SCHEMES = _words(
    """
    ftp http gopher mailto news nntp telnet wais file prospero z39.50s z39.50r cid mid
    vemmi service imap nfs acap rtsp tip pop data dav opaquelocktoken sip sips tel fax
    modem ldap https soap.beep soap.beeps xmlrpc.beep xmlrpc.beeps urn go h323 ipp tftp
    mupdate pres im mtqp iris.beep dict snmp crid tag dns info aaa aaas cap iax icap
    iris iris.xpc iris.xpcs iris.lwz msrp msrps shttp thismessage tv xmpp
    """
)

# Registered atom:link relations (plus any full URI).
LINK_RELATIONS = _words(
    """
    alternate current describedby edit edit-media enclosure first hub last license next
    next-archive payment prev-archive previous related replies search self service up
    via
    """
)
FEED_HISTORY_RELATIONS = _words(
    """
    current first last next next-archive prev-archive previous
    """
)

# Tags html5lib knows; anything else is "Non-html tag".
HTML_TAGS = _words(
    """
    a abbr acronym address applet area article aside audio b base basefont bdi bdo big
    blockquote body br button canvas caption center cite code col colgroup command data
    datagrid datalist dd del details dfn dialog dir div dl dt em eventsource fieldset
    figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header
    hgroup hr html i iframe img input ins isindex kbd label legend li link m main mark
    map menu meta meter nav noframes noscript object ol optgroup option output p param
    picture pre progress q rp rt ruby s samp script section select slot small source
    span strike strong style sub summary sup table tbody td template textarea tfoot th
    thead time title tr track tt u ul var xmp plaintext embed comment listing video wbr
    """
)
# Tags the validator accepts without a SecurityRisk warning.
SAFE_HTML_ELEMENTS = _words(
    """
    a abbr acronym address area article aside audio b bdi big blockquote br button
    canvas caption center cite code col colgroup command data datagrid datalist dd del
    details dfn dialog dir div dl dt em eventsource fieldset figcaption figure footer
    font form header h1 h2 h3 h4 h5 h6 hgroup hr i img input ins keygen kbd label legend
    li m main map mark menu meter multicol nav nextid ol output optgroup option p
    picture pre progress q rp rt ruby s samp section select small sound source spacer
    span strike strong sub summary sup table tbody td template textarea time tfoot th
    thead tr track tt u ul var video noscript wbr
    """
)
SAFE_HTML_ATTRIBUTES = _words(
    """
    abbr accept accept-charset accesskey action align allow allowfullscreen
    allowpaymentrequest alt as autoplay autocapitalize autocomplete autofocus axis
    background balance bgcolor bgproperties border bordercolor bordercolordark
    bordercolorlight bottompadding cellpadding cellspacing ch challenge char charoff
    choff charset checked cite class clear color cols colspan compact contenteditable
    coords crossorigin data datafld datapagesize datasrc datetime decoding default delay
    dir dirname disabled download draggable dynsrc enctype end enterkeyhint face for
    form formenctype frame galleryimg gutter headers height hidefocus hidden high href
    hreflang hspace icon id inputmode is ismap itemid itemprop itemref itemscope
    itemtype kind keytype label lang leftspacing loading list longdesc loop loopcount
    loopend loopstart low lowsrc max maxlength media method min minlength multiple muted
    name nohref nonce noshade nowrap open optimum pattern ping placeholder playsinline
    point-size poster preload prompt pqg radiogroup readonly referrerpolicy rel
    repeat-max repeat-min replace required rev reversed rightspacing rows rowspan rules
    scope selected shape size sizes span spellcheck src srclang srcset start step
    summary suppress tabindex target template title toppadding translate type
    unselectable usemap urn valign value variable volume vspace vrml width wrap xml:lang
    xmlns
    """
)
SAFE_CSS_PROPERTIES = _words(
    """
    azimuth background background-color border border-bottom border-bottom-color
    border-bottom-style border-bottom-width border-collapse border-color border-left
    border-left-color border-left-style border-left-width border-right
    border-right-color border-right-style border-right-width border-spacing border-style
    border-top border-top-color border-top-style border-top-width border-width clear
    color cursor direction display elevation float font font-family font-size font-style
    font-variant font-weight height letter-spacing line-height list-style-type margin
    margin-bottom margin-left margin-right margin-top overflow padding padding-bottom
    padding-left padding-right padding-top pause pause-after pause-before pitch
    pitch-range richness speak speak-header speak-numeral speak-punctuation speech-rate
    stress text-align text-decoration text-indent unicode-bidi vertical-align
    voice-family volume white-space width
    """
)
SAFE_CSS_KEYWORDS = _words(
    """
    aqua auto black block blue bold both bottom brown center collapse dashed dotted
    fuchsia gray green !important italic left lime maroon medium none navy normal nowrap
    olive pointer purple red right solid silver teal top transparent underline white
    yellow
    """
)
URL_ATTRIBUTES = _words(
    """
    href src action formaction poster background cite longdesc
    """
)

# EBU role codes accepted for media:credit when no scheme is given.
EBU_ROLES = _words(
    """
    actor | adaptor | anchor person | animal trainer | animator | announcer | armourer |
    art director | artist/performer | assistant camera |
    assistant chief lighting technician | assistant director | assistant producer |
    assistant visual editor | author | broadcast assistant | broadcast journalist |
    camera operator | carpenter | casting | causeur | chief lighting technician | choir |
    choreographer | clapper loader | commentary or commentator |
    commissioning broadcaster | composer | computer programmer | conductor | consultant |
    continuity checker | correspondent | costume designer | dancer | dialogue coach |
    director | director of photography | distribution company | draughtsman | dresser |
    dubber | editor/producer | editor | ensemble | executive producer | expert |
    fight director | floor manager | focus puller | foley artist | foley editor |
    foley mixer | graphic assistant | graphic designer | greensman | grip | hairdresser |
    illustrator | interviewed guest | interviewer | key character | key grip |
    key talents | leadman | librettist | lighting director | lighting technician |
    location manager | lyricist | make up artist | manufacturer | matte artist |
    music arranger | music group | musician | news reader | orchestra | participant |
    photographer | post | producer | production assistant | production company |
    production department | production manager | production secretary |
    programme production researcher | property manager | publishing company | puppeteer |
    pyrotechnician | reporter | rigger | runner | scenario | scenic operative |
    script supervisor | second assistant camera | second assistant director |
    second unit director | set designer | set dresser | sign language | singer |
    sound designer | sound mixer | sound recordist | special effects | stunts |
    subtitles | technical director | term | translation | transportation manager |
    treatment/programme proposal | vision mixer | visual editor | visual effects |
    wardrobe | witness | artist | performer | treatment | treatment proposal |
    programme proposal
    """,
    sep="|",
)

# ISO 639-1 and ISO 639-2 (terminology and bibliographic) codes, plus the BCP 47 "i" and
# "x" prefixes; the validator checks only the part before the first hyphen.
ISO639_CODES = _words(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs
    cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha
    he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn
    ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb
    nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd
    se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw
    ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu i x aar abk ace ach ada ady afa afh
    afr ain aka akk alb ale alg alt amh ang anp apa ara arc arg arm arn arp art arw asm
    ast ath aus ava ave awa aym aze bad bai bak bal bam ban baq bas bat bej bel bem ben
    ber bho bih bik bin bis bla bnt bod bos bra bre btk bua bug bul bur byn cad cai car
    cat cau ceb cel ces cha chb che chg chi chk chm chn cho chp chr chu chv chy cmc cnr
    cop cor cos cpe cpf cpp cre crh crp csb cus cym cze dak dan dar day del den deu dgr
    din div doi dra dsb dua dum dut dyu dzo efi egy eka ell elx eng enm epo est eus ewe
    ewo fan fao fas fat fij fil fin fiu fon fra fre frm fro frr frs fry ful fur gaa gay
    gba gem geo ger gez gil gla gle glg glv gmh goh gon gor got grb grc gre grn gsw guj
    gwi hai hat hau haw heb her hil him hin hit hmn hmo hrv hsb hun hup hye iba ibo ice
    ido iii ijo iku ile ilo ina inc ind ine inh ipk ira iro isl ita jav jbo jpn jpr jrb
    kaa kab kac kal kam kan kar kas kat kau kaw kaz kbd kha khi khm kho kik kin kir kmb
    kok kom kon kor kos kpe krc krl kro kru kua kum kur kut lad lah lam lao lat lav lez
    lim lin lit lol loz ltz lua lub lug lui lun luo lus mac mad mag mah mai mak mal man
    mao map mar mas may mdf mdr men mga mic min mis mkd mkh mlg mlt mnc mni mno moh mon
    mos mri msa mul mun mus mwl mwr mya myn myv nah nai nap nau nav nbl nde ndo nds nep
    new nia nic niu nld nno nob nog non nor nqo nso nub nwc nya nym nyn nyo nzi oci oji
    ori orm osa oss ota oto paa pag pal pam pan pap pau peo per phi phn pli pol pon por
    pra pro pus que raj rap rar roa roh rom ron rum run rup rus sad sag sah sai sal sam
    san sas sat scn sco sel sem sga sgn shn sid sin sio sit sla slk slo slv sma sme smi
    smj smn smo sms sna snd snk sog som son sot spa sqi srd srn srp srr ssa ssw suk sun
    sus sux swa swe syc syr tah tai tam tat tel tem ter tet tgk tgl tha tib tig tir tiv
    tkl tlh tli tmh tog ton tpi tsi tsn tso tuk tum tup tur tut tvl twi tyv udm uga uig
    ukr umb und urd uzb vai ven vie vol vot wak wal war was wel wen wln wol xal xho yao
    yap yid yor ypk zap zbl zen zgh zha zho znd zul zun zxx zza
    """
)

# --------------------------------------------------------------------------------------
# Grammar of values
# --------------------------------------------------------------------------------------

_URI_CHARS = r"0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#"
_URI_CHAR_RE = re.compile(f"[{_URI_CHARS}]")
# URI reference (relative allowed) and full URI (scheme required), RFC 2396 characters only.
_URI_REF_RE = re.compile(
    rf"([a-zA-Z][0-9a-zA-Z+\-.]*:)?/{{0,2}}(\[[0-9A-Fa-f:]+\])?[{_URI_CHARS}]*$"
)
_FULL_URI_RE = re.compile(rf"[a-zA-Z][0-9a-zA-Z+\-.]*:(//)?[{_URI_CHARS}]+$")
_URN_RE = re.compile(
    r"[Uu][Rr][Nn]:[a-zA-Z0-9][a-zA-Z0-9-]{1,31}:([a-zA-Z0-9()+,.:=@;$_!*'\-]|%[0-9A-Fa-f]{2})+$"
)
_UUID_URN_RE = re.compile(
    r"[Uu][Rr][Nn]:[Uu][Uu][Ii][Dd]:"
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
# tag: URI (RFC 4151) as the validator reads it: lower-case authority, YYYY[-MM[-DD]] date.
_TAG_SPECIFIC = r"[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*"
_TAG_RE = re.compile(
    rf"tag:([a-z0-9\-._]+?@)?[a-z0-9.\-]+?,\d{{4}}(-\d{{2}}(-\d{{2}})?)?:{_TAG_SPECIFIC}"
    rf"(#{_TAG_SPECIFIC})?$"
)
_DOMAIN = r"(([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([A-Z0-9\-]+\.)+))([A-Z0-9][-A-Z0-9]*)"
_HTTP_URL_RE = re.compile(rf"(http|https)://{_DOMAIN}(:\d+)?(/|$)", re.IGNORECASE)
_EMAIL_RE = re.compile(rf"([A-Z0-9_\-+.']+)@{_DOMAIN}$", re.IGNORECASE)
_SIMPLE_EMAIL_RE = re.compile(r"[\w.%+-]+@[A-Za-z][\w.-]+$")
_EMAIL_IN_TEXT_RE = re.compile(rf"<([A-Z0-9_\-+.']+)@{_DOMAIN}>", re.IGNORECASE)
_MIME_TOKEN = r'[^\s()<>,;:\\"/\[\]?=]+'
_MIME_RE = re.compile(
    rf'{_MIME_TOKEN}/{_MIME_TOKEN}(\s*;\s*{_MIME_TOKEN}=("(\\"|[^"])*"|{_MIME_TOKEN}))*$'
)

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# RFC 2822 as the RSS Advisory Board recommends it: the only form that passes silently.
_RFC2822_STRICT_RE = re.compile(
    rf"(({'|'.join(_DAYS)}), )?\d\d? ({_MONTHS}) \d{{4}} \d\d:\d\d(:\d\d)? "
    r"([+-]?\d\d[03]0|UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|Z)$"
)
# Anything RFC 822 allows (2-digit years, any case, military zones): warned about.
_RFC822_LOOSE_RE = re.compile(
    rf"(({'|'.join(_DAYS).lower()})\s*,\s*)?\d\d?\s+({_MONTHS.lower()})\s+\d\d(\d\d)?\s+"
    r"\d\d:\d\d(:\d\d)?\s+([+-]\d{4}|ut|gmt|est|edt|cst|cdt|mst|mdt|pst|pdt|[a-ik-z])?$"
)
_RFC3339_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*)?(Z|[+-]\d\d:\d\d)$")
_W3CDTF_RE = re.compile(r"\d{4}(-\d\d(-\d\d(T\d\d:\d\d(:\d\d(\.\d*)?)?(Z|[+-]\d\d:\d\d))?)?)?$")
_NPT_RE = re.compile(r"now|\d+(\.\d+)?|\d+:\d\d:\d\d(\.\d+)?$")
_XML_DECL_RE = re.compile(rb"<\?xml\s+version\s*=\s*(['\"])([-a-zA-Z0-9_.:]*)\1")
_ENCODING_DECL_RE = re.compile(
    rb"<\?xml\s+version\s*=\s*(\"[-a-zA-Z0-9_.:]+\"|'[-a-zA-Z0-9_.:]+')\s+"
    rb"encoding\s*=\s*(\"([-A-Za-z0-9._]+)\"|'([-A-Za-z0-9._]+)')"
)
_COMMON_ENCODINGS = _words(
    """
    US-ASCII ISO-8859-1 EUC-JP ISO-8859-2 ISO-8859-15 ISO-8859-7 KOI8-R SHIFT_JIS
    WINDOWS-1250 WINDOWS-1251 WINDOWS-1252 WINDOWS-1254 WINDOWS-1255 WINDOWS-1256
    GB18030
    """
)
_HTML_END_TAG_RE = re.compile(r"</(\w+)>")
_HTML_ENTITY_RE = re.compile(r"&(#?\w+)")
_ANCHOR_HREF_RE = re.compile(r"""<a\s+href=(?:"(.*?)"|'(.*?)'|([\w-]+))[\s>]""", re.IGNORECASE)
_IMG_SRC_RE = re.compile(r"""<img\s+[^>]*src=(?:"(.*?)"|'(.*?)'|([\w-]+))[\s>]""", re.IGNORECASE)

# --------------------------------------------------------------------------------------
# Value validators: each returns the issues for one value
# --------------------------------------------------------------------------------------


def _idna(value: str) -> str:
    """The validator's IRI-to-URI step: IDNA-encode, or keep the value if that fails."""
    try:
        return value.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return value


def _uri(value: str, element: str, *, full: bool = False, error: str | None = None) -> list[Issue]:
    """URI syntax as the validator checks it; tag: and urn: get their own grammar."""
    if error is None:
        error = (
            f"{element} must be a full and valid URL" if full else f"{element} must be a valid URI"
        )
    scheme = value.split(":")[0].lower()
    if scheme == "tag":
        return [] if _TAG_RE.match(value) else [(ERROR, f"{element} is not a valid TAG")]
    if scheme == "urn":
        if value.lower().startswith("urn:uuid:") and not _UUID_URN_RE.match(value):
            return [(ERROR, f"{element} is not a valid UUID")]
        return [] if _URN_RE.match(value) else [(ERROR, f"{element} is not a valid URN")]
    pattern = _FULL_URI_RE if full else _URI_REF_RE
    if not pattern.match(value):
        bad = next((c for c in value if ord(c) < 128 and not _URI_CHAR_RE.match(c)), None)
        if bad is not None:
            return [(ERROR, f"Invalid character in a URI: {bad!r} in {element} {value!r}")]
        if pattern.match(_idna(value)):
            return [(ERROR, f"IRI found where URL expected ({element})")]
        return [(ERROR, error)]
    if scheme in ("http", "ftp") and not re.match(r"\w+://[^/]", value):
        return [(ERROR, error)]
    if ":" in value and scheme.isalpha() and scheme not in IANA_SCHEMES:
        return [(WARNING, f"URI scheme not IANA registered ({scheme})")]
    return []


def _iri(value: str, element: str) -> list[Issue]:
    """IRI reference (relative allowed), e.g. atom:link/@href or atom:uri."""
    return _uri(_idna(value) if value else value, element, error=f"{element} must be a valid IRI")


def _http_url(value: str, element: str) -> list[Issue]:
    """Enclosure URLs: absolute http(s) with a dotted host name."""
    if _HTTP_URL_RE.match(value) and _FULL_URI_RE.match(value):
        return []
    return [(ERROR, f"{element} must be a full URL")]


def _positive_integer(value: str, element: str) -> list[Issue]:
    """ttl, media sizes: an integer above zero (Python int() syntax, as the validator)."""
    try:
        ok = int(value) > 0
    except ValueError:
        ok = False
    return [] if ok else [(ERROR, f"{element} must be a positive integer")]


def _non_negative_integer(value: str, element: str) -> list[Issue]:
    """atom:link/@length and friends: zero or more."""
    try:
        ok = int(value) >= 0
    except ValueError:
        ok = False
    return [] if ok else [(ERROR, f"{element} must be a non-negative integer")]


def _language(value: str, element: str) -> list[Issue]:
    """ISO 639 code check of the primary subtag (what precedes the first hyphen)."""
    primary = value.split("-", 1)[0].lower()
    return (
        [] if primary in ISO639_CODES else [(ERROR, f"{element} must be an ISO-639 language code")]
    )


def _mime(value: str) -> bool:
    return bool(_MIME_RE.match(value))


def _now() -> float:
    """Current time; a function so that tests could pin it."""
    return time.time()


def _rfc822_date(value: str, element: str) -> list[Issue]:
    """RSS dates: strict RFC 2822 passes, other RFC 822 forms warn, the rest is an error."""
    invalid = [(ERROR, f"{element} must be an RFC-822 date-time")]
    if _RFC2822_STRICT_RE.match(value):
        parsed = parsedate_tz(value)
        if parsed is None:
            return invalid
        year, month, day = parsed[:3]
        try:
            weekday = _DAYS[dt.date(year, month, day).weekday()]
        except ValueError:
            return invalid
        if value.find(",") > 0 and weekday.lower() != value[:3].lower():
            return [(ERROR, "Incorrect day of week")]
        try:
            stamp = mktime_tz(parsed)
        except (OverflowError, ValueError):
            return [(WARNING, f"Implausible date ({element} {value})")]
        if stamp > _now() + 600 or year < 1990:
            return [(WARNING, f"Implausible date ({element} {value})")]
        return []
    stripped = re.sub(r"\\.", "", value)
    previous = None
    while previous != stripped:  # drop (nested) comments
        previous, stripped = stripped, re.sub(r"\([^(]*?\)", " ", stripped)
    if _RFC822_LOOSE_RE.match(stripped.strip().lower()):
        return [(WARNING, f"Problematical RFC 822 date-time value ({element} {value})")]
    return invalid


def _iso8601_date(value: str, element: str, pattern: re.Pattern[str], message: str) -> list[Issue]:
    """Shared RFC 3339 / W3CDTF check: syntax, calendar, clock, then plausibility."""
    invalid = [(ERROR, f"{element} must be {message}")]
    if not pattern.match(value):
        return invalid
    date_part, _, time_part = value.partition("T")
    fields = date_part.split("-")
    try:
        if len(fields) > 2:
            dt.date(int(fields[0]), int(fields[1]), int(fields[2]))
    except ValueError:
        return invalid
    if time_part:
        clock = re.split(r"[Z+-]", time_part)[0].split(":")
        if int(clock[0]) > 23 or (len(clock) > 1 and int(clock[1]) > 60):
            return invalid
        if len(clock) > 2 and float(clock[2]) > 60.0:
            return invalid
    # Plain string comparison, as the validator does (its time-zone aware path is dead).
    tomorrow = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_now() + 86400))
    if value < "1990-01-01" or value > tomorrow:
        return [(WARNING, f"Implausible date ({element} {value})")]
    return []


def _rfc3339(value: str, element: str) -> list[Issue]:
    return _iso8601_date(value, element, _RFC3339_RE, "an RFC-3339 date-time")


def _w3cdtf(value: str, element: str) -> list[Issue]:
    return _iso8601_date(value, element, _W3CDTF_RE, "an W3CDTF date")


def _addr_spec(value: str, message: str) -> list[Issue]:
    """A bare e-mail address; DNS is not consulted (see module docstring)."""
    if _EMAIL_RE.match(value) or _SIMPLE_EMAIL_RE.match(value):
        return []
    return [(ERROR, message)]


def _email_with_name(value: str, element: str) -> list[Issue]:
    """RSS author/managingEditor/webMaster: the RSS profile wants "addr (Real Name)"."""
    if value.startswith("mailto:"):
        value = unquote(value.split(":", 1)[1])
    if value.find("@") > 0 and not value.endswith(")"):
        if value.find(" ") > 0:
            return [(WARNING, f"Email address is not in the recommended format ({element})")]
        return [(WARNING, f"Email address is missing real name ({element})")]
    addresses = getaddresses([value])
    address = addresses[0][1] if len(addresses) == 1 else value
    return _addr_spec(address or value, f"Invalid email address ({element})")


def _is_full_address_check(value: str) -> bool:
    """Whether the validator parses the value as an address (and so also checks for HTML)."""
    value = unquote(value.split(":", 1)[1]) if value.startswith("mailto:") else value
    return not (value.find("@") > 0 and not value.endswith(")"))


def _canonical_uri(value: str) -> str | None:
    """RFC 3986 normal form used for Atom ids and self-link comparison (None if broken)."""
    match = re.match(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", value)
    if not match:
        return None
    scheme, authority, path, query, fragment = match.groups()
    scheme = scheme.lower() if scheme else None
    pchar = "-._~!$&'()*+,;=:@"
    try:
        if authority is None:
            if scheme is None and not path.startswith("/"):
                return None  # relative path references are left alone
            if scheme is None or path.startswith("/"):
                path = _normalise_path(path, pchar)
            else:
                path = _requote(path, pchar + "/")
        else:
            authority = _normalise_authority(authority, scheme)
            path = _normalise_path(path, pchar)
        query = None if query is None else _requote(query, pchar + "/?")
        fragment = None if fragment is None else _requote(fragment, pchar + "/?")
    except (UnicodeError, ValueError):
        return None
    out = f"{scheme}:" if scheme is not None else ""
    if authority is not None:
        out += "//" + authority
    out += path
    if query is not None:
        out += "?" + query
    if fragment is not None:
        out += "#" + fragment
    return out


_RESERVED = ":/?#[]@!$&'()*+,;="
_DEFAULT_PORTS = {
    "ftp": 21,
    "telnet": 23,
    "http": 80,
    "gopher": 70,
    "news": 119,
    "nntp": 119,
    "prospero": 191,
    "https": 443,
    "snews": 563,
    "snntp": 563,
}


def _requote(text: str, safe: str) -> str:
    """Percent-encoding normal form: decode what needn't be encoded, upper-case hex."""
    out: list[str] = []
    pending = bytearray()

    def flush() -> None:
        if pending:
            out.append(quote(unicodedata.normalize("NFC", pending.decode("utf-8")), safe))
            pending.clear()

    for token in re.findall(r"%[0-9A-Fa-f]{2}|%|[^%]", text):
        if token == "%":
            raise ValueError("stray percent sign")
        char = chr(int(token[1:], 16)) if token.startswith("%") else token
        if char in _RESERVED and char in safe:
            flush()
            out.append(token.upper())
        else:
            pending.extend(bytes([ord(char)]) if token.startswith("%") else char.encode("utf-8"))
    flush()
    return "".join(out)


def _normalise_path(path: str, pchar: str) -> str:
    segments: list[str] = []
    parts = path.split("/")
    for index, segment in enumerate(parts):
        last = index == len(parts) - 1
        if segment == ".":
            if last:
                segments.append("")
        elif segment == "..":
            if len(segments) > 1:
                segments.pop()
            if last:
                segments.append("")
        else:
            segments.append(segment)
    if segments == [""]:
        segments = ["", ""]
    return "/".join(_requote(segment, pchar) for segment in segments)


def _normalise_authority(authority: str, scheme: str | None) -> str:
    userinfo, at, host = authority.rpartition("@")
    host = host.lower()
    port_match = re.search(r":(\d*)$", host)
    default = _DEFAULT_PORTS.get(scheme or "")
    port = default
    if port_match:
        if port_match.group(1):
            port = int(port_match.group(1))
        host = host[: port_match.start()]
    if host.endswith(".") and host.rfind(".", 0, -2) >= 0:
        host = host[:-1]
    if host.startswith("[") != host.endswith("]"):
        raise ValueError("unbalanced brackets")
    if port != default:
        host = f"{host}:{port}"
    if at and userinfo and userinfo != ":":
        return f"{userinfo}@{host}"
    return host


def _unsafe_style(style: str) -> bool:
    """True when a style attribute holds anything beyond simple, known CSS."""
    allowed = r"""^([:,;#%.\sa-zA-Z0-9!]|\w-\w|'[\s\w]+'|"[\s\w]+"|\([\d,\s]+\))*$"""
    if not re.match(allowed, style) or not re.match(r"^(\s*[-\w]+\s*:\s*[^:;]*(;|$))*$", style):
        return True
    value_re = re.compile(
        r"^(#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d?\.?\d?\d(cm|em|ex|in|mm|pc|pt|px|%|,|\))?)$"
    )
    for prop, value in re.findall(r"([-\w]+)\s*:\s*([^:;]*)", style.lower()):
        if prop not in SAFE_CSS_PROPERTIES:
            return True
        if prop.split("-")[0] in ("background", "border", "margin", "padding"):
            for keyword in value.split():
                if keyword not in SAFE_CSS_KEYWORDS and not value_re.match(keyword):
                    return True
    return False


def _is_javascript_url(value: str) -> bool:
    cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
    return cleaned.startswith(("javascript:", "vbscript:"))


# --------------------------------------------------------------------------------------
# Document level
# --------------------------------------------------------------------------------------


def _prolog_issues(data: bytes) -> tuple[list[Issue], str]:
    """XML declaration and encoding checks; returns issues and the decoded text."""
    issues: list[Issue] = []
    body = data
    if data.startswith(codecs.BOM_UTF8):
        body = data[3:]
    elif data.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
        issues.append((WARNING, "Document is not UTF-8 (UTF-16 byte order mark); publish UTF-8"))
        return issues, data.decode("utf-16", "replace")
    declaration = _XML_DECL_RE.match(body)
    if not declaration:
        issues.append(
            (WARNING, "Missing XML declaration: No character encoding was specified (project rule)")
        )
    elif declaration.group(2) != b"1.0":
        issues.append((ERROR, f"Incorrect XML Version: {declaration.group(2).decode()}"))
    encoding_match = _ENCODING_DECL_RE.match(body)
    encoding = "utf-8"
    if declaration and not encoding_match:
        issues.append((WARNING, "No character encoding was specified (project rule)"))
    if encoding_match:
        name = (encoding_match.group(3) or encoding_match.group(4)).decode("ascii")
        try:
            codecs.lookup(name)
        except LookupError:
            issues.append((ERROR, f"Unknown XML character encoding: {name}"))
            name = "utf-8"
        else:
            if name.upper() not in ("UTF-8", "UTF-16") and name.upper() not in _COMMON_ENCODINGS:
                issues.append((WARNING, f"Obscure XML character encoding: {name}"))
            elif name.upper() != "UTF-8":
                issues.append((WARNING, f"Document is encoded as {name}, not UTF-8 (project rule)"))
        encoding = name
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        issues.append((ERROR, f"{exc} (maybe a high-bit character?)"))
        text = body.decode(encoding, "replace")
    return issues, text


def _parse(data: bytes) -> tuple[Element | None, str | None]:
    """Well-formedness with a parser that fetches nothing and expands no entities."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser), None
    except etree.XMLSyntaxError as exc:
        return None, f"XML parsing error: {exc}"


def _elements(parent: Element) -> list[Element]:
    """Child elements, skipping comments, processing instructions and entity nodes."""
    return [child for child in parent if isinstance(child.tag, str)]


def _own_text(element: Element) -> str:
    """Character data of the element itself (text of child elements belongs to them)."""
    return (element.text or "") + "".join(child.tail or "" for child in element)


@dataclass
class _Link:
    """What the duplicate/self checks need to know about an atom:link."""

    rel: str
    type: str
    hreflang: str
    href: str


class _Checker:
    """Shared reporting and element-level rules for the RSS and Atom walkers."""

    feed_type = ""

    def __init__(self, text: str, self_url: str | None) -> None:
        self.problems: list[str] = []
        self._reported: set[str] = set()
        self.lines = text.split("\n")
        self.self_url = self_url
        self.rss2 = False

    def check(self, root: Element) -> None:
        """Walk the document from its root element; implemented per format."""
        raise NotImplementedError

    # reporting ---------------------------------------------------------------------
    def log(self, level: str, element: Element | None, message: str) -> None:
        line = getattr(element, "sourceline", None)
        text = f"{level}: line {line}: {message}" if line else f"{level}: {message}"
        if text not in self._reported:
            self._reported.add(text)
            self.problems.append(text)

    def error(self, element: Element | None, message: str) -> None:
        self.log(ERROR, element, message)

    def warning(self, element: Element | None, message: str) -> None:
        self.log(WARNING, element, message)

    def add(self, element: Element | None, issues: Iterable[Issue]) -> None:
        for level, message in issues:
            self.log(level, element, message)

    # naming ------------------------------------------------------------------------
    def name(self, element: Element, default_ns: str | None = None) -> str:
        """'title', 'dc:creator', or '{uri}local' for namespaces the validator ignores."""
        qname = etree.QName(element)
        if not qname.namespace or qname.namespace == default_ns:
            return qname.localname
        prefix = _PREFIX_BY_NEAR_NS.get(_near_miss(qname.namespace))
        return f"{prefix}:{qname.localname}" if prefix else element.tag

    # whole-document rules --------------------------------------------------------------
    def document_rules(self, root: Element) -> None:
        """Namespace declarations, xml:lang values and bad characters, everywhere."""
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            parent = element.getparent()
            inherited = parent.nsmap if parent is not None else {}
            for prefix, uri in element.nsmap.items():
                if inherited.get(prefix) != uri or prefix not in inherited:
                    feed_type = None if parent is None else self.feed_type
                    self.add(element, _namespace_issues(prefix, uri, feed_type))
            lang = element.get(XML_LANG)
            if lang:
                self.add(element, _language(lang, "xml:lang"))
            name = self.name(element, ATOM_NS if self.feed_type == "atom" else None)
            for chunk in [
                element.text,
                *(child.tail for child in element),
                *element.attrib.values(),
            ]:
                if chunk and _has_bad_characters(chunk):
                    self.warning(element, f"{name} contains bad characters")

    # element shape ---------------------------------------------------------------------
    def attributes(
        self,
        element: Element,
        name: str,
        expected: Collection[str] = (),
        *,
        extra_namespaces: Collection[str] = (),
        rss_core: bool = False,
    ) -> None:
        """Unknown plain attributes are errors; unknown-namespace ones warn on RSS core."""
        for key in element.attrib:
            qname = etree.QName(key)
            if qname.namespace is None:
                if qname.localname not in expected:
                    self.error(element, f"Unexpected {qname.localname} attribute on {name} element")
            elif qname.namespace == XML_NS or qname.namespace in extra_namespaces:
                continue
            elif _near_miss(qname.namespace) in _PREFIX_BY_NEAR_NS:
                prefix = _PREFIX_BY_NEAR_NS[_near_miss(qname.namespace)]
                self.error(
                    element, f"Unexpected {prefix}:{qname.localname} attribute on {name} element"
                )
            elif rss_core:
                self.extension_attribute(element, f"{key} on {name}")

    def extension_attribute(self, element: Element, description: str) -> None:
        self.warning(element, f"Use of extension attribute on RSS 2.0 core element: {description}")

    def no_text(self, element: Element) -> None:
        if _own_text(element).strip():
            self.error(element, "Unexpected Text")

    def leaf(self, element: Element, name: str, expected: Collection[str] = ()) -> str:
        """A simple text element: no child elements; returns its whitespace-trimmed text."""
        self.attributes(element, name, expected, rss_core=self.rss2 and ":" not in name)
        for child in _elements(element):
            self.error(child, f"Undefined {name} element: {self.name(child)}")
        return _own_text(element).strip()

    # text rules ------------------------------------------------------------------------
    def nonhtml(self, element: Element, value: str, name: str, message: str = "") -> None:
        """Plain-text elements: markup, escaped entities and raw '<' draw warnings."""
        message = message or f"{name} should not contain HTML"
        if any(tag.lower() in HTML_TAGS for tag in _HTML_END_TAG_RE.findall(value)):
            self.warning(element, message)
            return
        number = element.sourceline or 0
        line = self.lines[number - 1] if 0 < number <= len(self.lines) else ""
        entities = _HTML_ENTITY_RE.findall(value)
        if entities:
            if "&#x" not in line and any(
                e in name2codepoint or e == "apos" or not e.isalpha() for e in entities
            ):
                self.warning(element, message)
        elif self.rss2 and re.search(r"&#[x0-9]|<[/a-zA-Z]", value) and "&#x" not in line:
            self.warning(
                element,
                f'Encode "&" and "<" in plain text using hexadecimal character references ({name})',
            )

    def safe_html(self, element: Element, markup: str, name: str, *, relative_refs: bool) -> None:
        """Escaped HTML: dangerous tags/attributes/styles, relative links (RSS only)."""
        if "<?import " in markup.lower():
            self.warning(element, f"{name} should not contain ?import tag")
        for tag, attributes in _html_elements(markup):
            if tag not in HTML_TAGS:
                self.warning(element, f"Non-html tag ({tag}) in {name}")
            elif tag not in SAFE_HTML_ELEMENTS:
                self.warning(element, f"{name} should not contain {tag} tag")
            else:
                for attr, value in attributes:
                    attr_lower = attr.lower()
                    if attr_lower == "style":
                        if _unsafe_style(value):
                            self.warning(
                                element,
                                f"style attribute contains potentially dangerous content ({name})",
                            )
                    elif attr_lower not in SAFE_HTML_ATTRIBUTES and not attr_lower.startswith(
                        "data-"
                    ):
                        self.warning(element, f"{name} should not contain {attr} attribute")
            self.javascript_urls(element, attributes, name)
        if relative_refs:
            self.relative_references(element, markup, name)

    def javascript_urls(
        self, element: Element, attributes: Iterable[tuple[str, str]], name: str
    ) -> None:
        for attr, value in attributes:
            if attr.lower() in URL_ATTRIBUTES and _is_javascript_url(value):
                self.warning(
                    element,
                    f"{name} should not contain a javascript: URL "
                    "(checker extra: the W3C validator does not flag this)",
                )

    def relative_references(self, element: Element, markup: str, name: str) -> None:
        found = _IMG_SRC_RE.findall(markup) + _ANCHOR_HREF_RE.findall(markup)
        for groups in found:
            ref = html.unescape(next((g for g in groups if g), "")).strip()
            if re.match(r"\w+:", ref):
                continue
            bad = next((c for c in ref if ord(c) < 128 and not _URI_CHAR_RE.match(c)), None)
            if bad is not None:
                self.error(element, f"Invalid character in a URI: {bad!r} in {name} link {ref!r}")
            else:
                self.warning(element, f"{name} should not contain relative URL references")

    def xhtml_div(self, div: Element, name: str) -> None:
        """Inline XHTML content: the same safety rules, applied to real elements."""
        for node in div.iterdescendants():
            if not isinstance(node.tag, str):
                continue
            qname = etree.QName(node)
            if not qname.namespace:
                self.error(node, f"Missing namespace for {qname.localname}")
                continue
            if qname.namespace != XHTML_NS:
                continue
            if qname.localname not in HTML_TAGS:
                self.warning(node, f"Non-XHTML element ({qname.localname}) in {name}")
            elif qname.localname not in SAFE_HTML_ELEMENTS:
                self.warning(node, f"{name} should not contain {qname.localname} tag")
            attributes = [(k, v) for k, v in node.attrib.items() if not etree.QName(k).namespace]
            for attr, value in attributes:
                if attr == "style" and _unsafe_style(value):
                    self.warning(
                        node, f"style attribute contains potentially dangerous content ({name})"
                    )
                elif attr.startswith("on"):
                    self.warning(node, f"{name} should not contain {attr} attribute")
            self.javascript_urls(node, attributes, name)

    # Atom constructs shared by both formats ----------------------------------------------
    def text_construct(self, element: Element, name: str, *, content: bool = False) -> None:
        """atom:title/subtitle/summary/rights/content: type attribute and matching payload."""
        self.attributes(element, name, ("type", "src"))
        src = element.get("src")
        declared = element.get("type")
        kind = "" if src is not None else "text"
        if declared is not None:
            kind = declared
            if not declared:
                self.warning(element, f"The type attribute of {name} should not be blank")
        if content:
            if kind == "multipart/alternative":
                self.error(element, f"Not a valid MIME type ({name} type {kind!r})")
        elif "/" in kind:
            self.error(element, f'type attribute must be "text", "html", or "xhtml" ({name})')
        if src is not None:
            self.add(element, _uri(src, name, error=f"src attribute of {name} must be a valid URI"))
            if declared is None:
                self.warning(element, f"Missing {name} attribute: type")
        if not (kind in ("text", "html", "xhtml") and src is None) and kind and not _mime(kind):
            self.error(element, f"Not a valid MIME type ({name} type {kind!r})")
        if self.rss2 and name != "atom:summary" and src is None:
            self.warning(element, f"Avoid {name}")

        children = _elements(element)
        value = _own_text(element)
        xml_payload = kind.endswith(("+xml", "/xml"))
        if kind == "xhtml":
            value = self.xhtml_payload(element, children, name, value)
        elif children and not xml_payload:
            self.error(children[0], f"Undefined {name} element: {self.name(children[0])}")

        if kind == "text":
            self.nonhtml(element, value, name, self.undeclared_html(name))
        elif kind == "xhtml":
            self.nonhtml(element, value, name, f"{name} claims to be inline, but may contain html")
        else:
            if "/" in kind and not (xml_payload or kind.startswith("text/")):
                try:
                    decoded = binascii.a2b_base64(value.encode("ascii"))
                except (binascii.Error, UnicodeEncodeError):
                    self.warning(element, f"{name} claims to be base64-encoded, but isn't")
                else:
                    if kind.endswith("/html"):
                        value = decoded.decode("utf-8", "replace")
            if kind == "html" or kind.endswith("/html"):
                self.safe_html(element, value, name, relative_refs=False)
                if kind.endswith("/html") and "<html" not in value and src is None:
                    self.warning(element, f"{kind} type used for a document fragment")
            elif not xml_payload:
                self.nonhtml(element, value, name, self.undeclared_html(name))
        if not value and not children and src is None:
            self.warning(element, f"{name} should not be blank")

    @staticmethod
    def undeclared_html(name: str) -> str:
        return f"{name} should not contain HTML unless declared in the type attribute"

    def xhtml_payload(self, element: Element, children: list[Element], name: str, text: str) -> str:
        """type="xhtml" needs exactly one xhtml:div; returns the div's text if it is plain."""
        first = children[0] if children else None
        is_div = first is not None and first.tag == f"{{{XHTML_NS}}}div"
        if (element.text or "").strip() or not is_div:
            self.error(element, f"Missing xhtml:div element ({name})")
        for child in children:
            if child.tag == f"{{{XHTML_NS}}}div":
                self.xhtml_div(child, name)
        if is_div and first is not None and not _elements(first):
            return text + _own_text(first)
        return text

    def atom_link(self, element: Element, name: str, parent_name: str) -> _Link:
        """atom:link in Atom feeds and in RSS channels/items."""
        self.attributes(
            element,
            name,
            ("type", "title", "rel", "href", "length", "hreflang"),
            extra_namespaces=(THREAD_NS, "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
        )
        rel = element.get("rel")
        if rel is None:
            rel = "alternate"
        else:
            rel = rel.removeprefix("http://www.iana.org/assignments/relation/")
            if rel not in LINK_RELATIONS and not _FULL_URI_RE.match(_idna(rel)):
                self.warning(element, f"Unregistered link relationship ({rel!r})")
            if not rel:
                self.warning(element, f"The rel attribute of {name} should not be blank")
            if rel in FEED_HISTORY_RELATIONS and parent_name == "entry":
                self.warning(element, f"{rel} link relation found in entry")
        link_type = element.get("type")
        if link_type is not None:
            if not _mime(link_type):
                self.error(element, f"Not a valid MIME type ({name} type {link_type!r})")
            elif rel == "self" and link_type.split(";")[0] not in (
                "application/atom+xml",
                "application/rss+xml",
                "application/rdf+xml",
            ):
                self.warning(element, '"self" link references a non-Atom representation')
        title = element.get("title")
        if title is not None:
            if not title:
                self.warning(element, f"The title attribute of {name} should not be blank")
            self.nonhtml(element, title, name)
        length = element.get("length")
        if length is not None:
            self.add(element, _non_negative_integer(length, "length"))
            if not length:
                self.warning(element, "length should not be blank")
        hreflang = element.get("hreflang")
        if hreflang is not None:
            self.add(element, _language(hreflang, "hreflang"))
        href = element.get("href")
        if href is None:
            self.error(element, f"{name} must have an href attribute")
        else:
            self.add(element, _iri(href, "href"))
            if rel == "self" and parent_name in ("feed", "channel"):
                self.self_link(element, href)
        if _own_text(element).strip():
            self.warning(element, f"{name} should not have text (all data is in attributes)")
        return _Link(rel, link_type or "", hreflang or "", href or "")

    def self_link(self, element: Element, href: str) -> None:
        """rel=self must be absolute and, when known, point at where the feed is published."""
        chain = [element, *element.iterancestors()]
        bases = [str(node.get(XML_BASE)) for node in chain if node.get(XML_BASE)]
        if not urlsplit(href).netloc and not any(urlsplit(b).netloc for b in bases):
            self.warning(element, f"Relative href value on self link ({href!r})")
        if self.self_url is None:
            return
        base = self.self_url
        for node_base in reversed(bases):  # outermost first
            base = urljoin(base, node_base)
        resolved = urljoin(base, href)
        if resolved == self.self_url or resolved.split("#")[0] == base.split("#")[0]:
            return
        if _canonical_uri(href) != _canonical_uri(self.self_url):
            self.warning(
                element,
                f"Self reference doesn't match document location ({href!r} vs {self.self_url!r})",
            )

    def duplicate_alternates(self, links: Iterable[_Link], element: Element) -> None:
        seen: set[tuple[str, str]] = set()
        for link in links:
            if link.rel != "alternate":
                continue
            key = (link.type, link.hreflang)
            if key in seen:
                self.error(
                    element,
                    "Duplicate alternate links with the same type and hreflang "
                    f"(type={link.type!r}, hreflang={link.hreflang!r})",
                )
            seen.add(key)

    def person(self, element: Element, name: str) -> None:
        """atom:author / atom:contributor: a name, optional e-mail and IRI."""
        self.attributes(element, name)
        self.no_text(element)
        seen: list[str] = []
        for child in _elements(element):
            qname = etree.QName(child)
            if qname.namespace != ATOM_NS:
                continue
            local = qname.localname
            if local not in ("name", "email", "uri"):
                self.error(child, f"Undefined {name} element: {local}")
                continue
            if local in seen:
                self.error(child, f"{name} contains more than one {local}")
            raw = _own_text(child)
            value = self.leaf(child, local)
            if local == "name":
                self.nonhtml(child, value, local)
                if _EMAIL_IN_TEXT_RE.search(value):
                    self.warning(child, "name should not include email address")
            elif local == "email":
                self.add(child, _addr_spec(value, "email must be an email address"))
            else:
                if raw != raw.strip():
                    self.error(child, "Whitespace not permitted here (uri)")
                self.add(child, _iri(value, "uri"))
            if not value:
                self.warning(child, f"{local} should not be blank")
            seen.append(local)
        if "name" not in seen:
            self.error(element, f"Missing {name} element: name")

    def atom_category(self, element: Element, name: str) -> None:
        self.attributes(element, name, ("term", "scheme", "label"))
        self.no_text(element)
        term = element.get("term")
        if term is None:
            self.error(element, f"Missing {name} attribute: term")
        elif not term:
            self.warning(element, "term should not be blank")
        scheme = element.get("scheme")
        if scheme is not None:
            self.add(element, _uri(scheme, "scheme", full=True))
        label = element.get("label")
        if label is not None:
            self.nonhtml(element, label, "label")

    def rfc3339_element(self, element: Element, name: str) -> str:
        raw = _own_text(element)
        value = self.leaf(element, name)
        if raw != raw.strip():
            self.error(element, f"Whitespace not permitted here ({name})")
        self.add(element, _rfc3339(value, name))
        return value


def _has_bad_characters(text: str) -> bool:
    """C1 control characters, U+FFFD, or UTF-8 that was decoded as Latin-1 once too often."""
    if any(0x80 <= ord(c) <= 0x9F or c == "\ufffd" for c in text):
        return True
    if re.search("[\u00c2\u00c3][\u0080-\u00bf]", text):
        try:
            text.encode("iso-8859-1").decode("utf-8")
        except UnicodeError:
            return False
        return True
    return False


def _html_elements(markup: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(tag, attributes) for every element of an HTML fragment, parsed by lxml."""
    if "<" not in markup:
        return []
    try:
        wrapper = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return [
        (str(node.tag).lower(), [(str(k), str(v)) for k, v in node.attrib.items()])
        for node in wrapper.iterdescendants()
        if isinstance(node.tag, str)
    ]


def _namespace_issues(prefix: str | None, uri: str, feed_type: str | None) -> list[Issue]:
    """What the validator says about one xmlns declaration."""
    if prefix and prefix in _PREFERRED_URI:
        if KNOWN_NAMESPACES.get(uri) != prefix:
            if uri == MEDIA_NS_WITHOUT_SLASH:
                return [(ERROR, "Missing trailing slash in mediaRSS namespace")]
            return [
                (
                    WARNING,
                    f'The prefix "{prefix}" generally is associated with the namespace '
                    f'"{_PREFERRED_URI[prefix]}"',
                )
            ]
        if prefix == "wiki" and "usemod" in uri:
            return [(WARNING, "Obsolete Wiki Namespace")]
        if prefix in ("atom", "xhtml") and feed_type == "atom":
            return [(WARNING, f"Avoid Namespace Prefix: {prefix}")]
        return []
    if uri in KNOWN_NAMESPACES:
        standard = KNOWN_NAMESPACES[uri]
        if (
            prefix
            and standard != prefix
            and standard in ("atom", "xhtml")
            and feed_type
            in (
                "atom",
                None,
            )
        ):
            return [(WARNING, f"Avoid Namespace Prefix: {prefix}")]
        return []
    if uri == MEDIA_NS_WITHOUT_SLASH:
        return [(ERROR, "Missing trailing slash in mediaRSS namespace")]
    if uri and _iri(uri, f"xmlns:{prefix or ''}"):
        return _iri(uri, f"xmlns:{prefix or ''}")
    if uri in UNSUPPORTED_NAMESPACES:
        label, spec = UNSUPPORTED_NAMESPACES[uri]
        return [
            (WARNING, f"Did not validate namespace: {uri}. See the {label} specification at {spec}")
        ]
    return [(WARNING, f"Use of unknown namespace: {uri}")]


# --------------------------------------------------------------------------------------
# RSS 2.0
# --------------------------------------------------------------------------------------

# Channel children that must not appear after the first item (RSS profile, MisplacedItem).
CHANNEL_METADATA = _words(
    """
    image textInput textinput link title description atom:link category cloud ttl docs
    generator pubDate managingEditor webMaster language copyright lastBuildDate
    skipHours skipDays
    """
)
CHANNEL_SINGLE = _words(
    """
    link title description ttl docs generator pubDate managingEditor webMaster language
    copyright lastBuildDate cloud image textInput skipHours skipDays atom:generator
    atom:id atom:icon atom:logo atom:title atom:subtitle atom:rights atom:updated
    dc:date dc:title dc:description dc:type dc:format dc:source dc:language dc:rights
    media:title media:description media:copyright
    """
)
ITEM_SINGLE = _words(
    """
    link title description content:encoded content:items atom:id atom:title atom:summary
    atom:author atom:published atom:updated comments pubDate author guid source dc:title
    dc:description dc:type dc:format dc:source dc:language dc:rights media:title
    media:description media:copyright
    """
)
CHANNEL_SEMANTICS = (
    ("managingEditor", "dc:creator"),
    ("category", "dc:subject"),
    ("pubDate", "dc:date"),
    ("webMaster", "dc:publisher"),
    ("language", "dc:language"),
    ("copyright", "dc:rights"),
    ("lastBuildDate", "dcterms:modified"),
    ("generator", "admin:generatorAgent"),
)
ITEM_SEMANTICS = (
    ("author", "dc:creator"),
    ("category", "dc:subject"),
    ("pubDate", "dc:date"),
    ("pubDate", "atom:published"),
    ("guid", "atom:id"),
    ("source", "dc:source"),
)
DC_ELEMENTS = _words(
    """
    title description publisher contributor type format identifier source language
    relation coverage rights creator subject date
    """
)
ATOM_IN_CHANNEL = _words(
    """
    author category contributor generator id icon link logo title subtitle rights
    updated
    """
)
ATOM_IN_ITEM = _words(
    """
    id link title summary author contributor content published updated
    """
)
MEDIA_COMMON = _words(
    """
    adult category copyright credit description keywords hash player rating restriction
    text title thumbnail
    """
)
MEDIA_CONTENT_ATTRIBUTES = _words(
    """
    bitrate channels duration expression fileSize framerate height isDefault lang medium
    samplingrate type url width
    """
)


class _RssChecker(_Checker):
    """Walks an RSS 2.0 document the way the validator's handlers do."""

    feed_type = "rss"

    def check(self, root: Element) -> None:
        qname = etree.QName(root)
        if qname.namespace or qname.localname != "rss":
            self.error(root, f"Not an RSS 2.0 document (root element is {root.tag})")
            return
        self.rss2 = True
        self.version = root.get("version") or "2.0"
        self.extension_attributes: list[tuple[Element, str]] = []
        self.docs = ""
        self.document_rules(root)
        self.attributes(root, "rss", ("version",), extra_namespaces=(INDEXING_NS,))
        if root.get("version") is None:
            self.error(root, "Missing rss attribute: version")
        elif self.version not in ("0.91", "0.92", "2.0"):
            self.error(root, "Invalid RSS Version")
        self.rss2 = self.version.startswith("2.")
        self.no_text(root)
        channels = 0
        for child in _elements(root):
            name = self.name(child)
            if name == "channel":
                channels += 1
                if channels > 1:
                    self.error(child, "rss contains more than one channel")
                self.channel(child)
            elif self.modeled(name):
                self.error(child, f"Undefined rss element: {name}")
        if not channels:
            self.error(root, "Missing rss element: channel")
        if self.docs != RSSBOARD_DOCS:
            for element, description in self.extension_attributes:
                super().extension_attribute(element, description)

    def extension_attribute(self, element: Element, description: str) -> None:
        # The validator drops these warnings when docs names the RSS Board spec.
        self.extension_attributes.append((element, description))

    # channel ----------------------------------------------------------------------------
    def channel(self, channel: Element) -> None:
        self.attributes(channel, "channel", extra_namespaces=(INDEXING_NS,))
        self.no_text(channel)
        self.guids: set[str] = set()
        self.atom_ids: set[str] = set()
        self.channel_title = ""
        self.channel_link = ""
        self.channel_seen: list[str] = []
        seen = self.channel_seen
        pending_items: list[Element] = []
        links: list[_Link] = []
        for child in _elements(channel):
            name = self.name(child)
            if name in CHANNEL_METADATA and pending_items:
                for item in pending_items:
                    self.warning(item, "Misplaced Item")
                pending_items.clear()
            if name == "item":
                pending_items.append(child)
                self.item(child)
                seen.append(name)
                continue
            if name in CHANNEL_SINGLE and name in seen:
                self.error(child, f"channel contains more than one {name}")
            self.semantics(child, name, seen, CHANNEL_SEMANTICS, "A channel")
            if name == "atom:link":
                links.append(self.atom_link(child, name, "channel"))
            else:
                self.channel_child(child, name)
            seen.append(name)
        for required in ("description", "link", "title"):
            if required not in seen:
                self.error(channel, f"Missing channel element: {required}")
        if self.version == "2.0" and not any(link.rel == "self" for link in links):
            self.warning(channel, 'Missing atom:link with rel="self"')

    def semantics(
        self,
        element: Element,
        name: str,
        seen: list[str],
        pairs: Iterable[tuple[str, str]],
        owner: str,
    ) -> None:
        for core, extension in pairs:
            if (name == extension and core in seen) or (name == core and extension in seen):
                self.warning(element, f"{owner} should not include both {core} and {extension}")

    def channel_child(self, child: Element, name: str) -> None:
        """Dispatch one channel child to its rule."""
        if name == "title":
            value = self.leaf(child, name)
            self.nonhtml(child, value, name)
            if not value:
                self.warning(child, "title should not be blank")
            self.channel_title = value
        elif name == "link":
            self.channel_link = self.leaf(child, name)
            self.add(child, _uri(self.channel_link, name, full=True))
        elif name in ("description", "copyright"):
            self.nonhtml(child, self.leaf(child, name), name)
        elif name == "language":
            self.add(child, _language(self.leaf(child, name), name))
        elif name in ("managingEditor", "webMaster"):
            self.email_field(child, self.leaf(child, name), name)
        elif name in ("pubDate", "lastBuildDate"):
            self.add(child, _rfc822_date(self.leaf(child, name), name))
        elif name == "category":
            self.nonhtml(child, self.leaf(child, name, ("domain",)), name)
        elif name in ("generator", "rating"):
            self.leaf(child, name)
        elif name == "docs":
            self.docs = self.leaf(child, name)
            self.add(child, _uri(self.docs, name, full=True))
        elif name == "ttl":
            value = self.leaf(child, name)
            self.add(child, _positive_integer(value, name))
            if not value:
                self.warning(child, "ttl should not be blank")
        elif name == "cloud":
            self.cloud(child)
        elif name == "image":
            self.image(child)
        elif name == "textInput":
            self.warning(child, "Avoid Text Input")
        elif name == "textinput":
            self.error(child, "Undefined channel element: textinput")
        elif name == "blink":
            self.error(child, "There is no blink element in RSS; use blogChannel:blink instead")
        elif name in ("skipHours", "skipDays"):
            pass
        elif name.startswith("atom:") and name[5:] in ATOM_IN_CHANNEL:
            self.atom_in_rss(child, name, "channel")
        elif name.startswith("dc:"):
            self.dublin_core(child, name, "channel")
        elif name.startswith("media:") and name[6:] in MEDIA_COMMON:
            self.media(child, name)
        elif self.modeled(name):
            self.error(child, f"Undefined channel element: {name}")

    @staticmethod
    def modeled(name: str) -> bool:
        """Names in vocabularies this checker knows completely (so unknown = undefined)."""
        if name.startswith("{"):
            return False
        return ":" not in name or name.split(":")[0] in RSS_MODELED_PREFIXES

    def email_field(self, element: Element, value: str, name: str) -> None:
        if _is_full_address_check(value):
            self.nonhtml(element, value, name)
        self.add(element, _email_with_name(value, name))

    def cloud(self, element: Element) -> None:
        names = ("domain", "path", "registerProcedure", "protocol", "port")
        self.attributes(element, "cloud", names, rss_core=True)
        for attr in names:
            if element.get(attr) is None:
                self.error(element, f"Missing cloud attribute: {attr}")
        port = element.get("port")
        if port is not None:
            try:
                valid = int(port) > 0
            except ValueError:
                valid = False
            if not valid:
                self.error(element, "port attribute of cloud must be a positive integer")

    def image(self, image: Element) -> None:
        self.attributes(image, "image", rss_core=True)
        self.no_text(image)
        seen: list[str] = []
        for child in _elements(image):
            name = self.name(child)
            if name in seen and name in ("title", "link", "url", "width", "height", "description"):
                self.error(child, f"image contains more than one {name}")
            if name == "title":
                value = self.leaf(child, name)
                if not value:
                    self.warning(child, "title should not be blank")
                else:
                    self.nonhtml(child, value, name)
                if self.channel_title and self.channel_title != value:
                    self.warning(child, "Image title doesn't match channel title")
            elif name == "link":
                value = self.leaf(child, name)
                self.add(child, _uri(value, name, full=True))
                if self.channel_link and self.channel_link != value:
                    self.warning(child, "Image link doesn't match channel link")
            elif name == "url":
                value = self.leaf(child, name)
                self.add(child, _uri(value, name, full=True))
                extension = value.split(".")[-1].lower()
                if re.match(r"^\w+$", extension) and extension not in ("jpg", "jpeg", "gif", "png"):
                    self.warning(child, "Image not in required format")
            elif name in ("width", "height"):
                limit = 144 if name == "width" else 400
                try:
                    valid = 0 < int(self.leaf(child, name)) <= limit
                except ValueError:
                    valid = False
                if not valid:
                    self.error(child, f"{name} must be between 1 and {limit}")
            elif name == "description":
                self.nonhtml(child, self.leaf(child, name), name)
            elif name.startswith("dc:"):
                self.dublin_core(child, name, "image")
            elif self.modeled(name):
                self.error(child, f"Undefined image element: {name}")
            seen.append(name)
        if "title" not in seen:
            self.error(image, "Missing image element: title")
        if "url" not in seen:
            self.error(image, "Missing image element: url")
        if "link" not in seen:
            self.error(image, "Missing image element: link")

    # item -------------------------------------------------------------------------------
    def item(self, item: Element) -> None:
        self.attributes(item, "item", rss_core=True)
        self.no_text(item)
        seen: list[str] = []
        for child in _elements(item):
            name = self.name(child)
            if name in ITEM_SINGLE and name in seen:
                self.error(child, f"item contains more than one {name}")
            if name == "enclosure" and name in seen:
                self.warning(child, "item contains more than one enclosure")
            self.semantics(child, name, seen, ITEM_SEMANTICS, "An item")
            if name == "content:encoded" and "description" not in seen:
                self.warning(child, "Ensure description precedes content:encoded")
            self.item_child(child, name)
            seen.append(name)
        if "title" not in seen and "description" not in seen:
            self.error(item, "item must contain either title or description")
        if "guid" not in seen and self.version.startswith("2."):
            self.warning(item, "item should contain a guid element")
        if "slash:comments" in seen and "lastBuildDate" not in self.channel_seen:
            self.warning(item, "Ensure lastBuildDate is present when slash:comments is used")

    def item_child(self, child: Element, name: str) -> None:
        """Dispatch one item child to its rule."""
        if name == "title":
            value = self.leaf(child, name)
            self.nonhtml(child, value, name)
            if not value:
                self.warning(child, "title should not be blank")
        elif name in ("link", "comments"):
            self.add(child, _uri(self.leaf(child, name), name, full=True))
        elif name in ("description", "content:encoded"):
            value = self.leaf(child, name)
            if self.version == "0.91" and name == "description":
                self.nonhtml(child, value, name)
            else:
                self.safe_html(child, value, name, relative_refs=True)
        elif name == "author":
            self.email_field(child, self.leaf(child, name), name)
        elif name == "category":
            value = self.leaf(child, name, ("domain",))
            self.nonhtml(child, value, name)
            if not value:
                self.warning(child, "category should not be blank")
        elif name == "enclosure":
            self.enclosure(child)
        elif name == "guid":
            self.guid(child)
        elif name == "pubDate":
            self.add(child, _rfc822_date(self.leaf(child, name), name))
        elif name == "source":
            value = self.leaf(child, name, ("url",))
            self.nonhtml(child, value, name)
            url = child.get("url")
            if url is None:
                self.error(child, "Missing source attribute: url")
            else:
                self.add(child, _uri(url, "url", full=True))
        elif name == "content:items":
            pass
        elif name.startswith("atom:") and name[5:] in ATOM_IN_ITEM:
            self.atom_in_rss(child, name, "item")
        elif name.startswith("dc:"):
            self.dublin_core(child, name, "item")
        elif name.startswith("media:") and name[6:] in (MEDIA_COMMON | {"content", "group"}):
            self.media(child, name)
        elif self.modeled(name):
            self.error(child, f"Undefined item element: {name}")

    def enclosure(self, element: Element) -> None:
        """url (http/https), length (integer >= 0; -1 is refused) and a MIME type."""
        self.attributes(element, "enclosure", ("url", "length", "type"), rss_core=True)
        self.no_text(element)
        length = element.get("length")
        if length is None:
            self.error(element, "Missing enclosure attribute: length")
        else:
            try:
                number = int(length)
            except ValueError:
                self.error(element, "length attribute of enclosure must be a positive integer")
            else:
                if number == -1:
                    self.error(element, "Use zero for unknown length")
                elif number < 0:
                    self.error(element, "length must be a non-negative integer")
        media_type = element.get("type")
        if media_type is None:
            self.error(element, "Missing enclosure attribute: type")
        elif not _mime(media_type):
            self.error(element, "type attribute of enclosure must be a valid MIME type")
        url = element.get("url")
        if url is None:
            self.error(element, "Missing enclosure attribute: url")
        else:
            self.add(element, _http_url(url, "url"))

    def guid(self, element: Element) -> None:
        """Permalink guids must be full URLs; all guids must be unique in the channel."""
        value = self.leaf(element, "guid", ("isPermaLink",))
        permalink = True
        flag = element.get("isPermaLink")
        if flag is not None:
            if flag not in ("true", "false"):
                self.error(element, "isPermaLink attribute of guid must be 'true' or 'false'")
            permalink = flag == "true"
        not_a_url = "guid must be a full URL, unless isPermaLink attribute is false"
        if permalink:
            issues = _uri(value, "guid", full=True, error=not_a_url)
            self.add(element, issues)
            if not issues and value.lower().startswith(("tag:", "urn:uuid:")):
                self.error(element, not_a_url)
        elif len(value) < 9 and value.isdigit():
            self.warning(element, "The specified guid is not sufficiently unique")
        if not value:
            self.warning(element, "guid should not be blank")
        elif value in self.guids:
            self.error(element, f"guid values must not be duplicated within a feed ({value!r})")
        else:
            self.guids.add(value)

    # extensions -------------------------------------------------------------------------
    def atom_in_rss(self, element: Element, name: str, parent: str) -> None:
        """Atom elements inside RSS, checked with the Atom rules."""
        local = name[5:]
        if local == "link":
            self.atom_link(element, name, parent)
        elif local == "id":
            value = self.leaf(element, name)
            self.add(element, _uri(value, name, full=True))
            if parent == "item":
                if not value:
                    self.warning(element, f"{name} should not be blank")
                elif value in self.atom_ids:
                    self.error(element, f"{name} values must not be duplicated within a feed")
                else:
                    self.atom_ids.add(value)
        elif local in ("icon", "logo"):
            value = self.leaf(element, name)
            self.add(element, _uri(value, name))
            if not value:
                self.warning(element, f"{name} should not be blank")
        elif local in ("updated", "published"):
            self.rfc3339_element(element, name)
        elif local in ("title", "subtitle", "rights", "summary", "content"):
            self.text_construct(element, name, content=local in ("title", "content"))
        elif local in ("author", "contributor"):
            self.person(element, name)
        elif local == "category":
            self.atom_category(element, name)
        # atom:generator: accepted unchecked

    def dublin_core(self, element: Element, name: str, parent: str) -> None:
        local = name[3:].split(".")[0]
        if local not in DC_ELEMENTS:
            self.error(element, f"Undefined {parent} element: {name}")
            return
        value = self.leaf(element, f"dc:{local}")
        if local == "date":
            self.add(element, _w3cdtf(value, "dc:date"))
        elif local == "language":
            self.add(element, _language(value, "dc:language"))
        elif local == "rights":
            self.nonhtml(element, value, "dc:rights")

    def media(self, element: Element, name: str) -> None:
        """Media RSS as the validator knows it (the 2008 element set)."""
        local = name[6:]
        if local == "content":
            self.media_content(element)
        elif local == "group":
            self.attributes(element, name)
            contents = 0
            for child in _elements(element):
                child_name = self.name(child)
                if child_name == "media:content":
                    contents += 1
                    self.media_content(child)
                elif child_name.startswith("media:") and child_name[6:] in MEDIA_COMMON:
                    self.media(child, child_name)
                elif child_name.startswith("media:"):
                    self.error(child, f"Undefined {name} element: {child_name}")
            if contents < 2:
                self.error(element, "media:group must have multiple media:content children")
        elif local == "thumbnail":
            self.attributes(element, name, ("height", "time", "url", "width"))
            self.media_url(element, name, required=True)
            self.media_sizes(element, ("height", "width"))
            moment = element.get("time")
            if moment and not _NPT_RE.match(moment):
                self.error(element, "time must be an NPT-time")
        elif local in ("title", "description"):
            value = self.leaf(element, name, ("type",))
            kind = element.get("type")
            if kind and kind not in ("plain", "html"):
                self.error(element, f'type attribute must be "plain" or "html" ({name})')
            if kind == "html":
                self.safe_html(element, value, name, relative_refs=False)
            else:
                self.nonhtml(element, value, name, self.undeclared_html(name))
        elif local == "category":
            self.leaf(element, name, ("label", "scheme"))
            label, scheme = element.get("label"), element.get("scheme")
            if label:
                self.nonhtml(element, label, "label")
            if scheme:
                self.add(element, _uri(scheme, "scheme", full=True))
        elif local == "credit":
            self.leaf(element, name, ("role", "scheme"))
            scheme = element.get("scheme") or "urn:ebu"
            role = element.get("role")
            if role and ((scheme == "urn:ebu" and role not in EBU_ROLES) or role != role.lower()):
                self.error(element, f"Invalid Credit Role ({role!r})")
            if scheme != "urn:ebu":
                self.add(element, _uri(scheme, "scheme", full=True))
        elif local == "player":
            self.attributes(element, name, ("height", "url", "width"))
            self.media_url(element, name, required=True)
            self.media_sizes(element, ("height", "width"))
        elif local == "copyright":
            self.leaf(element, name, ("url",))
            if element.get("url"):
                self.add(element, _uri(element.get("url", ""), "url", full=True))
        elif local == "adult":
            self.warning(element, "media:adult is deprecated")
            if self.leaf(element, name).lower() not in ("true", "false"):
                self.error(element, 'media:adult must be "true" or "false"')
        elif local == "hash":
            self.media_hash(element, name)
        elif local == "rating":
            value = self.leaf(element, name, ("scheme",))
            scheme = element.get("scheme") or "urn:simple"
            if scheme == "urn:simple" and value not in ("adult", "nonadult"):
                self.error(element, "Invalid Media Rating")
        elif local == "restriction":
            self.leaf(element, name, ("relationship", "type"))
            relationship = element.get("relationship")
            if not relationship:
                self.error(element, f"Missing {name} attribute: relationship")
            elif relationship not in ("allow", "deny"):
                self.error(element, "relationship must be 'allow' or 'disallow'")
        else:  # keywords, text
            self.leaf(element, name, ("type", "lang", "start", "end") if local == "text" else ())

    def media_content(self, element: Element) -> None:
        name = "media:content"
        self.attributes(element, name, MEDIA_CONTENT_ATTRIBUTES)
        for attr in ("bitrate", "duration", "framerate", "samplingrate"):
            value = element.get(attr)
            if value and not re.match(r"\d+\.?\d*", value):
                self.error(element, f"Invalid value for {attr}")
        channels = element.get("channels")
        if channels:
            self.add(element, _non_negative_integer(channels, "channels"))
        expression = element.get("expression")
        if expression and expression not in ("sample", "full", "nonstop"):
            self.error(element, f'Invalid content expression: "{expression}"')
        self.media_sizes(element, ("fileSize", "height", "width"))
        is_default = element.get("isDefault")
        if is_default and is_default.lower() not in ("true", "false"):
            self.error(element, 'isDefault must be "true" or "false"')
        lang = element.get("lang")
        if lang:
            self.add(element, _language(lang, "lang"))
        medium = element.get("medium")
        if medium and medium not in ("image", "audio", "video", "document", "executable"):
            self.error(element, f'Invalid content medium: "{medium}"')
        media_type = element.get("type")
        if media_type and not _mime(media_type):
            self.error(element, "type attribute of media:content must be a valid MIME type")
        self.media_url(element, name, required=False)
        for child in _elements(element):
            child_name = self.name(child)
            if child_name.startswith("media:") and child_name[6:] in MEDIA_COMMON:
                self.media(child, child_name)
            elif child_name.startswith("dc:"):
                self.dublin_core(child, child_name, name)
            elif child_name.startswith("media:"):
                self.error(child, f"Undefined {name} element: {child_name}")

    def media_url(self, element: Element, name: str, *, required: bool) -> None:
        url = element.get("url")
        if url:
            self.add(element, _uri(url, "url", full=True))
        elif required:
            self.error(element, f"Missing {name} attribute: url")

    def media_sizes(self, element: Element, attributes: Iterable[str]) -> None:
        for attr in attributes:
            value = element.get(attr)
            if value:
                self.add(element, _positive_integer(value, attr))

    def media_hash(self, element: Element, name: str) -> None:
        value = self.leaf(element, name, ("algo",))
        algo = element.get("algo")
        if algo and algo not in ("md5", "sha-1"):
            self.error(element, "Invalid Media Hash")
        expected = 40 if algo == "sha-1" else 32
        if not re.match(r"^[0-9A-Za-z]+$", value) or len(value) != expected:
            self.error(element, "Invalid Media Hash")


# --------------------------------------------------------------------------------------
# Atom 1.0
# --------------------------------------------------------------------------------------

FEED_METADATA = _words(
    """
    author category contributor generator icon id link logo rights subtitle title
    updated
    """
)
FEED_SINGLE = _words(
    """
    generator icon id logo rights subtitle title updated
    """
)
ENTRY_CHILDREN = _words(
    """
    author category content contributor id link published rights source summary title
    updated
    """
)
ENTRY_SINGLE = _words(
    """
    content id published rights source summary title updated
    """
)


class _AtomChecker(_Checker):
    """Walks an Atom 1.0 feed document the way the validator's handlers do."""

    feed_type = "atom"

    def check(self, root: Element) -> None:
        qname = etree.QName(root)
        if qname.localname == "feed" and qname.namespace == "http://purl.org/atom/ns#":
            self.error(root, "This feed uses an obsolete namespace")
            return
        if qname.namespace != ATOM_NS or qname.localname != "feed":
            self.error(root, f"Not an Atom 1.0 feed (root element is {root.tag})")
            return
        self.document_rules(root)
        self.feed(root)

    def atom_name(self, element: Element) -> str | None:
        """Local name for Atom-namespace elements, None for extensions."""
        qname = etree.QName(element)
        return qname.localname if qname.namespace == ATOM_NS else None

    def feed(self, feed: Element) -> None:
        self.attributes(feed, "feed", extra_namespaces=(INDEXING_NS,))
        self.no_text(feed)
        seen: list[str] = []
        links: list[_Link] = []
        entries: list[Element] = []
        self.entry_ids: dict[str, int] = {}
        self.entry_updated: set[str] = set()
        self.duplicate_ids: list[Element] = []
        for child in _elements(feed):
            local = self.atom_name(child)
            if local is None:
                continue
            if local == "entry":
                if not entries:
                    self.feed_metadata(feed, seen, links)
                entries.append(child)
                self.entry(child, feed_has_author="author" in seen)
                continue
            if local not in FEED_METADATA:
                self.error(child, f"Undefined feed element: {local}")
                continue
            if entries:
                self.error(child, f"{local} must appear before all entries")
            if local in FEED_SINGLE and local in seen:
                self.error(child, f"feed contains more than one {local}")
            if local == "link":
                link = self.atom_link(child, "link", "feed")
                if not entries:
                    links.append(link)
            else:
                self.feed_child(child, local)
            if not entries:
                seen.append(local)
        if not entries:
            self.feed_metadata(feed, seen, links)
        if len(entries) > 9 and len(self.duplicate_ids) == len(entries) - 1:
            self.error(feed, "All entries have the same id")
        else:
            for element in self.duplicate_ids:
                self.warning(element, "Two entries with the same id")

    def feed_metadata(self, feed: Element, seen: list[str], links: list[_Link]) -> None:
        """Checked when the first entry starts (or at the end): what came before counts."""
        for required in ("title", "id", "updated"):
            if required not in seen:
                self.error(feed, f"Missing feed element: {required}")
        if not any(link.rel == "self" for link in links):
            self.warning(feed, 'Missing atom:link with rel="self"')
        self.duplicate_alternates(links, feed)

    def feed_child(self, child: Element, local: str) -> None:
        if local == "id":
            self.atom_id(child)
        elif local in ("title", "subtitle", "rights"):
            self.text_construct(child, local)
        elif local == "updated":
            self.rfc3339_element(child, local)
        elif local in ("author", "contributor"):
            self.person(child, local)
        elif local == "category":
            self.atom_category(child, local)
        elif local in ("icon", "logo"):
            raw = _own_text(child)
            value = self.leaf(child, local)
            if raw != raw.strip():
                self.error(child, f"Whitespace not permitted here ({local})")
            self.add(child, _uri(value, local))
            if not value:
                self.warning(child, f"{local} should not be blank")
        elif local == "generator":
            value = self.leaf(child, local, ("uri", "version"))
            if not value:
                self.warning(child, "generator should not be blank")

    def atom_id(self, element: Element) -> str:
        """Full IRI, no surrounding whitespace, and in RFC 3986 canonical form."""
        raw = _own_text(element)
        value = self.leaf(element, "id")
        if raw != raw.strip():
            self.error(element, "Whitespace not permitted here (id)")
        issues = _uri(value, "id", full=True)
        self.add(element, issues)
        if not issues:
            canonical = _canonical_uri(value)
            if canonical != value:
                self.warning(
                    element,
                    f'Identifier "{value}" is not in canonical form '
                    f'(the canonical form would be "{canonical or "N/A"}")',
                )
        return value

    def entry(self, entry: Element, *, feed_has_author: bool) -> None:
        self.attributes(entry, "entry")
        self.no_text(entry)
        seen: list[str] = []
        links: list[_Link] = []
        content: Element | None = None
        source_has_author = False
        for child in _elements(entry):
            local = self.atom_name(child)
            if local is None:
                continue
            if local not in ENTRY_CHILDREN:
                self.error(child, f"Undefined entry element: {local}")
                continue
            if local in ENTRY_SINGLE and local in seen:
                self.error(child, f"entry contains more than one {local}")
            if local == "id":
                value = self.atom_id(child)
                if not value:
                    self.warning(child, "id should not be blank")
                elif value in self.entry_ids:
                    self.duplicate_ids.append(child)
                else:
                    self.entry_ids[value] = 1
            elif local == "updated":
                value = self.rfc3339_element(child, local)
                if value in self.entry_updated:
                    self.warning(child, "Two entries with the same value for atom:updated")
                elif value:
                    self.entry_updated.add(value)
            elif local == "published":
                self.rfc3339_element(child, local)
            elif local == "link":
                links.append(self.atom_link(child, "link", "entry"))
            elif local == "content":
                content = child
                self.text_construct(child, local, content=True)
            elif local in ("title", "summary", "rights"):
                self.text_construct(child, local)
            elif local in ("author", "contributor"):
                self.person(child, local)
            elif local == "category":
                self.atom_category(child, local)
            elif local == "source":
                source_has_author = any(
                    self.atom_name(grandchild) == "author" for grandchild in _elements(child)
                )
            seen.append(local)
        for required in ("title", "author", "id", "updated"):
            present = required in seen
            if required == "author":
                present = present or feed_has_author or source_has_author
            if not present:
                self.error(entry, f"Missing entry element: {required}")
        if content is not None:
            ctype = content.get("type") or ""
            binary = "/" in ctype and not (
                ctype.endswith(("+xml", "/xml")) or ctype.startswith("text/")
            )
            if "summary" not in seen and (content.get("src") is not None or binary):
                self.error(entry, "Missing summary")
        else:
            if "summary" not in seen:
                self.warning(entry, "Missing textual content")
            if not any(link.rel == "alternate" for link in links):
                self.error(entry, "Missing content or alternate link")
        self.duplicate_alternates(links, entry)


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def _check(data: bytes, checker_class: type[_Checker], self_url: str | None) -> list[str]:
    issues, text = _prolog_issues(data)
    checker = checker_class(text, self_url)
    checker.add(None, issues)
    root, parse_error = _parse(data)
    if root is None:
        checker.error(None, parse_error or "XML parsing error")
        return checker.problems
    checker.check(root)
    return checker.problems


def check_rss(data: bytes, *, self_url: str | None = None) -> list[str]:
    """Errors and warnings the W3C Feed Validation Service would report for an RSS 2.0 feed.

    ``self_url`` is where the document is published; when given, atom:link rel="self"
    must point there (the service compares it with the URL it fetched).
    """
    return _check(data, _RssChecker, self_url)


def check_atom(data: bytes, *, self_url: str | None = None) -> list[str]:
    """Errors and warnings the W3C Feed Validation Service would report for an Atom feed.

    ``self_url`` is where the document is published; when given, link rel="self" must
    point there (the service compares it with the URL it fetched).
    """
    return _check(data, _AtomChecker, self_url)
