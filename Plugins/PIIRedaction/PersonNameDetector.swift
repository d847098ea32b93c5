import GatehouseCore

/// Finds people's names without a pattern: gazetteers of first names and surnames, a list of
/// English words that make a capitalised word ambiguous, and cues on both sides.
///
/// A run of capitalised words (with initials, `O'`, `Mc`, hyphens and particles such as `van`,
/// `de`, `bin`) is a name when
/// - it starts with a listed first name that is not also an English word (`Jacqueline`,
///   `Oluwaseun`), anywhere but straight after a determiner;
/// - it starts with a listed first name that is also a word (`Will`, `Grace`) and a surname
///   follows, or it is not the first word of its sentence;
/// - a cue comes before it (`thanks to`, `complained to`, `my daughter,`, `the service
///   manager,`, a role) or after it (`on reception`), and its first word is not an English word;
/// - it is two or more words ending in a listed surname, none an English word;
/// - it stands alone on the last line, or after a sign-off, at the very end.
/// It is not a name when an organisation or place word follows (`Hospital`, `Ward`, `Road`,
/// `syndrome`), a word such as `St`, `Queen` or `Royal` comes before, it is a listed place,
/// month or day, or an eponym in the possessive (`Parkinson's`). In a message written all in
/// lower case, listed first names and surnames are read as if capitalised.
final class PersonNameDetector: Sendable {
    static let keys: Set<String> = [
        "detector", "first_names", "surnames", "common_words", "not_names", "replacement", "priority", "score",
    ]

    let info: RuleInfo
    let replacement: String
    let priority: Int
    let baseScore: Double
    private let firstNames: WordSet
    private let surnames: WordSet
    private let commonWords: WordSet
    private let notNames: WordSet

    // Small closed lists: structure, not vocabulary.
    private static let particlesList = WordSet(["van", "von", "der", "den", "de", "da", "del", "della", "di", "du", "la", "le", "bin", "binti", "bint", "al", "el", "ap", "ibn", "mac", "mc", "ó", "ni", "ní", "nic", "ua"])
    private static let blockBeforeList = WordSet(["st", "saint", "queen", "king", "prince", "princess", "royal", "lady", "great", "mount", "port", "fort", "north", "south", "east", "west", "upper", "lower", "new", "old", "little", "the", "a", "an", "this", "that", "these", "those", "every", "any", "some", "no", "via", "at", "ward", "unit"])
    private static let followersList = WordSet([
        "hospital", "hospitals", "infirmary", "hospice", "clinic", "centre", "center", "ward", "unit", "wing", "building", "house",
        "surgery", "practice", "trust", "foundation", "road", "street", "lane", "avenue", "way", "drive", "close", "crescent",
        "place", "square", "terrace", "gardens", "court", "park", "grove", "rise", "walk", "row", "mews", "station", "line",
        "university", "college", "school", "academy", "library", "church", "chapel", "syndrome", "disease", "palsy", "cyst",
        "tendon", "neuroma", "contracture", "test", "scale", "score", "method", "technique", "procedure", "bridge", "medical",
        "exercises", "approach", "programme", "manoeuvre", "protocol", "fracture", "frame", "splint",
        "health", "healthcare", "community", "primary", "general", "district", "memorial", "institute", "team", "service",
        "services", "pharmacy", "group", "partnership", "nhs", "ltd", "limited", "plc", "lodge", "hall", "suite", "department",
        "dept", "theatre", "block", "estate", "shopping", "retail", "airport", "harbour", "quay", "county", "council", "village",
        "town", "city", "valley", "heights", "green", "fields", "hill", "end", "cross", "gate", "bank", "sports", "leisure",
        "stadium", "arena", "museum", "gallery", "hotel", "inn", "arms", "cafe", "café", "restaurant", "bar", "pub", "fc",
        "united", "rovers", "wanderers", "athletic", "rangers", "pool", "wood", "woods", "forest", "moor", "heath", "common",
        // Departments named after a brand or a place: Specsavers Audiology, Leeds Podiatry.
        "audiology", "physiotherapy", "radiography", "radiology", "podiatry", "orthotics", "orthoptics", "dietetics",
        "phlebotomy", "hydrotherapy", "chiropody", "opticians", "optometry", "dental", "dentistry",
        // A hospital after its town (Salford Royal); a club's followers (Everton and Liverpool fans).
        "royal", "fans", "supporters",
    ])
    private static let eponymsList = WordSet([
        "parkinson", "alzheimer", "crohn", "asperger", "bell", "down", "baker", "morton", "sever", "raynaud", "huntington",
        "dupuytren", "achilles", "addenbrooke", "guy", "gray", "thomas", "george", "hodgkin", "tourette", "cushing", "graves",
        "addison", "hashimoto", "meniere", "ménière", "sjogren", "sjögren", "osgood", "perthes", "bartholin", "barrett",
        "paget", "wilson", "lyme", "marfan", "raynaud", "bowen", "colles", "smith", "heberden", "baker", "scheuermann",
        "still", "reiter", "tommy", "bart", "christie", "john", "mary", "luke", "peter", "james", "margaret", "anne",
    ])
    /// First names that are also verbs said of a person (`the physio said`, `my nurse will`).
    private static let verbNamesList = WordSet(["said", "will", "would", "may", "might", "mark", "bill", "rob", "pat", "sue",
                                                "drew", "grant", "chase", "hope", "faith"])
    /// What a person has and a place or a hospital does not: `Stanley's manner`.
    private static let personQualities = WordSet([
        "manner", "attitude", "exercises", "advice", "kindness", "patience", "approach", "bedside", "explanation",
        "explanations", "humour", "smile", "sense", "voice", "hands", "way",
        // A clinician's own: `Nimsha's clinic`, `Dekn's sessions` (a place's is St Mary's, Guy's).
        "clinic", "clinics", "session", "sessions", "caseload", "patients",
    ])
    /// Eponyms that name a hospital without a saint's title before them (Guy's, Barts, the Christie).
    private static let hospitalEponyms = WordSet(["guy", "bart", "barts", "christie", "tommy", "addenbrooke"])
    /// Words before `between` that hand a patient on: `passed between`, `back and forth between`.
    private static let handedOn = WordSet(["passed", "forth", "bounced", "shunted", "shuttled", "ping-ponged"])
    /// What a surname between `the` and it names: `the Okoro family`.
    private static let familyWords = WordSet(["family", "families", "household", "twins", "kids", "children", "clan"])
    /// Words before a place one comes from or goes to, which a lone surname after them is.
    private static let movementWords = WordSet(["from", "to"])
    /// A firm's name after `and`: `Hobbs and Co`.
    private static let firmWords = WordSet(["co", "sons", "partners", "daughters", "company"])
    /// Seasons, which people are named after too: `Summer's end` is the season's.
    private static let seasonsList = WordSet(["spring", "summer", "autumn", "winter"])
    /// Months people are named after: a name right after a strong cue (`I spoke to Jun`).
    private static let monthNamesList = WordSet(["april", "may", "june", "jun", "jan", "july", "august", "augustine"])
    private static let monthsAndDaysList = WordSet([
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas", "easter",
        "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri",
        "sat", "sun", "xmas", "boxing", "new", "bank", "holiday",
    ])
    /// Cues before a name: the words that end right before it (commas and brackets allowed in between).
    private static let cuesBefore: [[String]] = [
        ["thanks", "to"], ["thank", "you", "to"], ["thanks"], ["thank", "you"], ["complained", "to"], ["complaint", "to"],
        ["wrote", "to"], ["spoke", "to"], ["speak", "to"], ["talked", "to"], ["spoken", "to"], ["through", "to"],
        ["thanks", "to"], ["out", "to"], ["shoutout", "to"], ["called"], ["named"], ["name", "is"], ["name's"], ["i'm"],
        ["i’m"], ["i", "am"], ["this", "is"], ["from"], ["regards"], ["cheers"], ["wishes"], ["sincerely"], ["faithfully"],
        ["love"], ["manager"], ["lead"], ["leader"], ["coordinator"], ["co-ordinator"], ["director"], ["officer"],
        ["receptionist"], ["consultant"], ["nurse"], ["sister"], ["matron"], ["paramedic"], ["paramedics"], ["physio"],
        ["physiotherapist"], ["podiatrist"], ["chiropodist"], ["radiographer"], ["sonographer"], ["therapist"], ["ot"],
        ["slt"], ["dietitian"], ["dietician"], ["orthoptist"], ["prosthetist"], ["orthotist"], ["osteopath"],
        ["audiologist"], ["psychologist"], ["pharmacist"], ["midwife"], ["carer"], ["gp"], ["doctor"], ["surgeon"],
        ["daughter"], ["son"], ["husband"], ["wife"], ["mum"], ["mom"], ["mother"], ["dad"], ["father"], ["partner"],
        ["grandson"], ["granddaughter"], ["grandma"], ["grandad"], ["granddad"], ["nan"], ["nana"], ["brother"],
        ["neighbour"], ["friend"], ["uncle"], ["aunt"], ["auntie"], ["cousin"], ["fiancé"], ["fiance"], ["boyfriend"],
        ["girlfriend"], ["niece"], ["nephew"], ["colleague"], ["worker"], ["assistant"], ["driver"], ["technician"], ["practitioner"], ["specialist"], ["prescriber"], ["porter"], ["hca"],
        ["ask", "for"], ["asked", "for"], ["see"], ["saw"], ["seen", "by"], ["treated", "by"], ["with"], ["and"],
        ["by"], ["mr"], ["mrs"], ["ms"], ["miss"], ["mx"], ["dr"], ["prof"],
        // Text speak and care: `thx leah`, `looked after by precious`.
        ["thx"], ["thnx"], ["thankyou"], ["looked", "after", "by"], ["cared", "for", "by"], ["keyworker"], ["caseworker"],
        // A nickname: `we all called him Big Dave`, `known as Little Mo`.
        ["called", "him"], ["called", "her"], ["call", "him"], ["call", "her"], ["nicknamed"], ["known", "as"],
    ]
    /// Cues after a name that point to a person whatever the word: a role, a person's verb.
    private static let strongCuesAfter: [[String]] = [
        ["on", "reception"], ["at", "reception"], ["and", "her"], ["and", "his"], ["the", "physio"], ["the", "paramedic"],
        ["said"], ["told"], ["explained"], ["rang"], ["phoned"], ["listened"], ["smiled"], ["reassured"], ["referred"],
        ["never", "gave"], ["made", "me"], ["was", "amazing"], ["was", "brilliant"], ["was", "lovely"], ["was", "kind"],
        ["was", "great"], ["was", "fantastic"], ["was", "wonderful"], ["was", "rude"], ["was", "dismissive"],
        ["was", "so"], ["was", "very"], ["always", "has"], ["helped", "me"], ["took", "the"], ["booked", "me"],
        ["band"], ["is", "a", "credit"], ["was", "a", "credit"], ["did", "my"], ["did", "our"], ["gave", "me"],
        ["gave", "us"], ["treated", "me"], ["assessed", "me"], ["showed", "me"], ["taught", "me"], ["visited", "me"],
        ["came", "out"], ["came", "to", "see"], ["took", "my"], ["sorted", "my"], ["sorted", "out"], ["fixed", "my"],
        ["fitted", "my"], ["checked", "my"], ["scanned", "my"], ["looked", "after"],
        // A role in apposition with a word before it: `Heather the speech therapist`.
        ["the", "*", "therapist"], ["the", "*", "physio"], ["the", "*", "nurse"], ["the", "*", "assistant"],
        ["the", "*", "worker"], ["the", "*", "manager"], ["the", "student", "*"],
        // `Holly made my mum laugh` (not `made my day`: the weather, a season or hope does that).
        ["made", "my", "*", "laugh"], ["made", "my", "*", "smile"], ["made", "us", "laugh"], ["made", "us", "smile"],
    ] + praise
    /// What only a person does to the writer, after a name a place has too (`Chelsea never gave
    /// up on me`, `Stanley was amazing with my dad`), where `Chelsea was lovely` may be the place.
    private static let personCuesAfter: [[String]] = [
        ["never", "gave"], ["made", "me"], ["helped", "me"], ["gave", "me"], ["gave", "us"], ["treated", "me"],
        ["assessed", "me"], ["showed", "me"], ["taught", "me"], ["visited", "me"], ["listened"], ["smiled"],
        ["reassured"], ["explained"], ["told", "me"], ["told", "us"], ["rang", "me"], ["phoned", "me"], ["did", "my"],
        ["was", "amazing", "with"], ["was", "brilliant", "with"], ["was", "great", "with"], ["was", "so", "good", "with"],
        ["was", "so", "kind"], ["was", "very", "kind"],
    ] + praise
    /// Words before a noun that make it a thing of someone's (`my faith`, `the hope`).
    private static let determiners = WordSet(["my", "our", "the", "a", "an", "his", "her", "their", "your", "this", "that", "its"])
    /// Praise only a person gets: `Ebony is a legend`, `Chelsea was an angel`.
    private static let praise: [[String]] = [
        ["is", "a", "legend"], ["was", "a", "legend"], ["is", "a", "star"], ["was", "a", "star"], ["is", "an", "angel"],
        ["was", "an", "angel"], ["is", "a", "gem"], ["is", "a", "diamond"], ["is", "a", "hero"], ["was", "a", "hero"],
        ["is", "a", "godsend"], ["was", "a", "godsend"], ["is", "an", "asset"],
    ]
    /// A member of a team, `Nomr in the podiatry team` (`*` is any lower-case word): a strong cue,
    /// and a role after a listed name (`Devon from the falls team`).
    private static let teamCuesAfter: [[String]] = [
        ["in", "the", "*", "team"], ["on", "the", "*", "team"], ["from", "the", "*", "team"],
        ["in", "teh", "*", "team"], ["on", "teh", "*", "team"], ["from", "teh", "*", "team"],
    ]
    /// Cues after a name that place someone at work: a person only when the word before is a
    /// listed first name or surname (`Joy from the wheelchair service`, not `WiFi in audiology`).
    private static let workplaceCuesAfter: [[String]] = [
        ["from", "the", "*", "service"], ["from", "the", "*", "clinic"], ["from", "the", "*", "department"],
        ["at", "the", "*", "clinic"], ["at", "the", "front", "desk"], ["on", "the", "front", "desk"], ["on", "the", "desk"],
        ["on", "the", "phone"], ["from", "the", "*", "crew"], ["in", "the", "*", "room"], ["in", "the", "*", "clinic"],
        ["in", "the", "*", "unit"], ["in", "the", "*", "department"], ["on", "the", "*", "ward"], ["in", "the", "*", "service"],
    ]
    /// Cues after a name that only help a listed first name or surname.
    private static let weakCuesAfter: [[String]] = [
        ["on", "the"], ["in", "the"], ["from", "the"], ["who"], ["was"], ["is"], ["has"], ["never"], ["always"],
        ["made"], ["really"], ["went"], ["did"], ["called"],
    ]
    /// Closed-class words that are never a name, whatever a list says (My, Many, Hope this …).
    private static let stopWordsList = WordSet([
        "my", "the", "a", "an", "i", "we", "you", "he", "she", "it", "they", "me", "him", "her", "us", "them", "this",
        "that", "these", "those", "and", "but", "or", "so", "if", "when", "what", "who", "how", "why", "where", "there",
        "here", "all", "any", "many", "much", "more", "most", "some", "no", "not", "yes", "ok", "okay", "hi", "hello",
        "dear", "thanks", "thank", "please", "sorry", "best", "kind", "regards", "cheers", "also", "just", "very",
        "really", "still", "even", "after", "before", "since", "until", "while", "with", "without", "from", "into",
        "over", "under", "up", "down", "out", "off", "on", "in", "at", "to", "for", "of", "by", "about", "as", "like",
        "than", "then", "now", "today", "tomorrow", "yesterday", "be", "is", "are", "was", "were", "am", "do", "does",
        "did", "have", "has", "had", "would", "shall", "should", "can", "could", "might", "must", "our",
        "your", "their", "his", "its", "one", "two", "three", "first", "second", "last", "next", "every", "each",
        "both", "either", "neither", "other", "another", "such", "only", "well", "good", "great", "overall",
        "royal", "saint", "st", "queen", "king", "prince", "princess", "lord", "lady", "general", "central", "county",
        // Titles: the title rule redacts the name after them; they are never part of it.
        "mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "sister", "nurse", "sir", "dame", "rev",
        "revd", "reverend", "cllr", "councillor", "fr", "colonel", "capt", "captain", "lt", "lieut", "sgt",
        "sergeant", "cpl", "corporal", "brig", "rabbi", "imam", "pastor", "insp", "inspector",
        "i'm", "i’m", "i've", "i’ve", "i'd", "i’d", "i'll", "i’ll", "it's", "it’s", "that's", "that’s", "there's",
        "don't", "don’t", "can't", "can’t", "won't", "won’t", "didn't", "didn’t", "we're", "we’re", "they're", "you're",
    ])
    /// Organisation words that are also common surnames (Wood, Green, Hill): after a listed first
    /// name that is not an English word they are a surname (Karen Wood), else a place.
    private static let surnameFollowersList = WordSet([
        "wood", "woods", "green", "hill", "hall", "bank", "cross", "fields", "heath", "moor", "end", "gate", "park",
        "house", "court", "lane", "grove", "field", "brook", "church", "wells", "ward", "hospital",
    ].filter { $0 != "hospital" })
    /// Words after an ambiguous first name (Hope, Will, May) that show it is used as a word.
    private static let wordUseAfterList = WordSet([
        "this", "that", "these", "you", "i", "we", "they", "it", "to", "the", "a", "an", "be", "have", "not", "all",
        "so", "everyone", "someone", "anyone", "for", "he", "she", "there", "of", "is", "are",
    ])
    /// Words before "X Ward" that make it a ward, not a person: on Victoria Ward, moved to Florence Ward.
    private let wardPlaceWords = WordSet(["on", "to", "onto", "off", "from", "the", "back", "admitted", "transferred", "moved"])
    /// Words before a run that make it a place: in Cleethorpes, near Stoke.
    private static let placeBeforeList = WordSet(["in", "at", "near", "into", "towards", "toward", "outside", "around", "across", "via", "through"])
    /// Cues that only count when the word before the name is their last word and not just `and`, `with`, `by` …
    private static let weakCues: Set<String> = ["and", "with", "by", "see", "saw", "from", "love", "thanks", "thank you"]

    // The closed lists, held by the instance so a lookup does not go through a lazy global.
    private let particles = PersonNameDetector.particlesList
    private let blockBefore = PersonNameDetector.blockBeforeList
    private let followers = PersonNameDetector.followersList
    private let eponyms = PersonNameDetector.eponymsList
    private let seasons = PersonNameDetector.seasonsList
    private let monthsAndDays = PersonNameDetector.monthsAndDaysList
    private let monthNames = PersonNameDetector.monthNamesList
    private let verbNames = PersonNameDetector.verbNamesList
    private let stopWords = PersonNameDetector.stopWordsList
    private let surnameFollowers = PersonNameDetector.surnameFollowersList
    private let wordUseAfter = PersonNameDetector.wordUseAfterList
    private let placeBefore = PersonNameDetector.placeBeforeList
    private let possessives = WordSet(["our", "my", "your", "his", "her", "their"])
    private let copulas = WordSet(["is", "was", "has", "had", "who"])
    /// Capitalised words that describe a person after `was`, some of them first names too: `the
    /// nurse was Irish`, `my carer is Christian`.
    private let describingWords = WordSet([
        "irish", "christian", "english", "scottish", "welsh", "british", "indian", "polish", "african", "caribbean",
        "asian", "muslim", "jewish", "catholic", "protestant", "hindu", "sikh", "buddhist", "french", "german", "italian",
        "spanish", "portuguese", "chinese", "filipino", "nigerian", "ghanaian", "romanian", "greek", "turkish", "american",
        "australian", "canadian", "european", "cornish", "geordie", "scouse", "brummie", "cockney", "deaf", "blind", "gay",
    ])
    /// Words before a describing word that show it describes: `was Irish`, `an Irish nurse`.
    private let describingLeads = WordSet(["is", "was", "are", "were", "am", "be", "being", "a", "an", "very", "not", "also", "half", "fellow"])
    /// Titles before a name: `mr`, `ms`, `dr` …
    private let titles = WordSet(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "fr", "rev", "capt", "lt", "sgt", "cpl", "cllr"])
    /// Words that greet or thank the person named next: `Thanks Sunny,`, `Hi Hope!`.
    private let greetings = WordSet(["thanks", "thank", "cheers", "hi", "hello", "dear", "ta"])
    private let theHash = WordHash.of("the".utf8)
    /// `the` as typed in a hurry (`With thanks, teh Selbfield family`).
    private let tehHash = WordHash.of("teh".utf8)
    private let wasHash = WordHash.of("was".utf8)
    private let isHash = WordHash.of("is".utf8)
    private let departmentPrepositions = WordSet(["from", "in", "at", "on"])
    /// Departments and services a person works in (`Hazel in audiology`).
    private let departments = WordSet([
        "physio", "physiotherapy", "radiography", "radiology", "podiatry", "x-ray", "xray", "audiology", "orthotics",
        "orthoptics", "dietetics", "ot", "slt", "salt", "reception", "outpatients", "triage", "pharmacy", "ultrasound",
        "phlebotomy", "hydrotherapy", "chiropody", "occupational", "speech",
    ])
    /// Role and relation words (physio, daughter, manager): cues, never names themselves.
    private let roleWords: WordSet
    /// The roles and relations among them (not `thanks`, `from`, `mr`): `Robin, the podiatrist,`.
    private let personNouns: WordSet
    /// The last words of the cues before a name.
    private let cueLastWords: WordSet
    /// Cue sequences by the hash of their last word.
    private let cuesByLastWord: [UInt64: [(words: [UInt64], weak: Bool)]]
    private let strongCueAfterHashes: [[UInt64]]
    private let workplaceCueAfterHashes: [[UInt64]]
    private let teamCueAfterHashes: [[UInt64]]
    private let personCueAfterHashes: [[UInt64]]
    private let praiseHashes: [[UInt64]]
    private let weakCueAfterHashes: [[UInt64]]

    init(_ definition: RuleDefinition, packFile: String) throws {
        let fields = definition.fields
        try fields.rejectUnknownKeys(allowed: RuleDefinition.commonKeys.union(Self.keys))
        info = RuleInfo(definition)
        func list(_ key: String) throws -> WordSet {
            try WordSet(files: try fields.stringList(key), relativeTo: packFile, fields: fields, key: key)
        }
        firstNames = try list("first_names")
        surnames = try list("surnames")
        commonWords = try list("common_words")
        notNames = try list("not_names")
        replacement = try fields.optionalString("replacement") ?? "[name]"
        priority = try fields.int("priority", default: 40, in: 0...1_000)
        baseScore = try fields.double("score", default: 0.7, in: 0...1)
        var cues: [UInt64: [(words: [UInt64], weak: Bool)]] = [:]
        for words in Self.cuesBefore {
            let hashes = words.map { WordHash.of($0.utf8) }
            cues[hashes.last!, default: []].append((hashes, words.count == 1 && Self.weakCues.contains(words[0]) || words == ["thank", "you"]))
        }
        // Longest first: `looked after by` before `by`, whatever the list's order.
        cuesByLastWord = cues.mapValues { candidates in
            candidates.enumerated().sorted { ($0.element.words.count, -$0.offset) > ($1.element.words.count, -$1.offset) }.map(\.element)
        }
        cueLastWords = WordSet(Self.cuesBefore.map { $0.last! })
        roleWords = WordSet(Self.cuesBefore.filter { $0.count == 1 }.map { $0[0] } + ["physios", "physiotherapists", "podiatrists", "paramedics", "nurses", "doctors", "therapists", "staff", "team", "receptionists"])
        let notNouns: Set<String> = [
            "thanks", "called", "named", "regards", "cheers", "wishes", "sincerely", "faithfully", "love", "see", "saw", "with",
            "and", "by", "from", "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "i'm", "i’m", "name's",
        ]
        personNouns = WordSet(Self.cuesBefore.filter { $0.count == 1 && !notNouns.contains($0[0]) }.map { $0[0] })
        func hashes(_ cues: [[String]]) -> [[UInt64]] { cues.map { $0.map { $0 == "*" ? Self.anyWord : WordHash.of($0.utf8) } } }
        strongCueAfterHashes = hashes(Self.strongCuesAfter)
        workplaceCueAfterHashes = hashes(Self.workplaceCuesAfter)
        teamCueAfterHashes = hashes(Self.teamCuesAfter)
        personCueAfterHashes = hashes(Self.personCuesAfter)
        praiseHashes = hashes(Self.praise)
        weakCueAfterHashes = hashes(Self.weakCuesAfter)
    }

    struct Candidate {
        var range: Range<Int>
        var explanation: String
    }

    /// The names in `text`, as byte ranges; `notes` gets the runs let go, when asked.
    func detect(
        _ text: UnsafeBufferPointer<UInt8>, tokens: inout [NameToken], explain: Bool, found: (Candidate) -> Void,
        letGo: (Range<Int>, String) -> Void
    ) {
        // A message mostly in capitals says nothing by its case: read as a lower-case one.
        if isShouting(text) {
            NameTokenizer.tokens(text, into: &tokens)
            scan(text, tokens: tokens, lowerCaseText: true, explain: explain, found: found, letGo: letGo)
            return
        }
        // Plain ASCII text with capitalised words: only the words around a capitalised word that
        // could start a name are read (five before for cues, eight after for the run and cues);
        // everything else is read whole.
        if let windows = candidateWindows(text) {
            for window in windows {
                NameTokenizer.tokens(text, in: window, into: &tokens)
                scan(text, tokens: tokens, lowerCaseText: false, explain: explain, found: found, letGo: letGo)
            }
            return
        }
        NameTokenizer.tokens(text, into: &tokens)
        guard !tokens.isEmpty else { return }
        let lowerCaseText = !tokens.contains { $0.capitalised && !$0.initial }
        scan(text, tokens: tokens, lowerCaseText: lowerCaseText, explain: explain, found: found, letGo: letGo)
    }

    /// True when at least three words, and twice as many as the rest, are in capitals (two
    /// letters or more, ASCII): `Seen by MR RAJESH PATEL IN ORTHOTICS`.
    private func isShouting(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var (capitals, others) = (0, 0)
        var (upper, lower) = (0, 0)
        for byte in text {
            if byte >= 0x41 && byte <= 0x5A {
                upper += 1
            } else if byte >= 0x61 && byte <= 0x7A {
                lower += 1
            } else if byte != 0x27 {
                if upper >= 2 && lower == 0 { capitals += 1 } else if upper + lower > 0 { others += 1 }
                (upper, lower) = (0, 0)
            }
        }
        if upper >= 2 && lower == 0 { capitals += 1 } else if upper + lower > 0 { others += 1 }
        return capitals >= 3 && capitals >= 2 * others
    }

    /// For ASCII text with at least one capitalised word, the byte ranges worth reading: around
    /// each capitalised word that is not a function word, an organisation word, or an English
    /// word that no list holds and no cue precedes. Nil when the whole text must be read
    /// (non-ASCII text, or no capitalised word: a lower-case message).
    private func candidateWindows(_ text: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        let count = text.count
        var windows: [Range<Int>] = []
        var sawCapitalised = false
        // Whether the last word read ends a cue (`thanks to`, `my physio`), or is a title.
        var afterCue = false
        var afterTitle = false
        var index = 0
        @inline(__always) func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        @inline(__always) func isWordByte(_ i: Int) -> Bool {
            let byte = text[i]
            if isLetter(byte) { return true }
            return (byte == 0x27 || byte == 0x2D) && i > 0 && i + 1 < count && isLetter(text[i - 1]) && isLetter(text[i + 1])
        }
        func open(_ index: Int, _ end: Int) {
            var start = index
            for _ in 0..<5 {
                var back = start - 1
                while back >= 0, !isLetter(text[back]) { back -= 1 }
                guard back >= 0 else { start = 0; break }
                while back > 0, isWordByte(back - 1) { back -= 1 }
                start = back
            }
            var stop = end
            for _ in 0..<8 {
                var next = stop
                while next < count, !isLetter(text[next]) { next += 1 }
                guard next < count else { stop = count; break }
                while next < count, isWordByte(next) { next += 1 }
                stop = next
            }
            // A full stop or other punctuation right after the last word belongs to the window.
            while stop < count, text[stop] != 0x20, !isLetter(text[stop]) { stop += 1 }
            if let last = windows.last, start <= last.upperBound {
                windows[windows.count - 1] = last.lowerBound..<max(last.upperBound, stop)
            } else {
                windows.append(start..<stop)
            }
        }
        while index < count {
            let byte = text[index]
            if byte >= 0x80 { return nil }
            if byte >= 0x61, byte <= 0x7A, index == 0 || !isWordByte(index - 1) {
                // A lower-case word: a window only for a listed first name right after a cue.
                var end = index + 1
                while end < count, text[end] < 0x80, isWordByte(end) { end += 1 }
                if end < count, text[end] >= 0x80 { return nil }
                let hash = WordHash.of(UnsafeBufferPointer(rebasing: text[index..<end]))
                // The cue test first: a small table, where the first names' is a large one. After a
                // title a listed surname too (`we love dr patel`), and after any cue one that is no
                // English word (`Nurse macdonald`), as the scan reads them.
                if afterCue, end - index >= 2,
                   isLowerCaseName(hash: hash) || afterTitle && (firstNames.contains(hash) || surnames.contains(hash))
                    || end - index >= 3 && surnames.contains(hash) && !commonWords.contains(hash) && !stopWords.contains(hash) {
                    open(index, end)
                }
                afterCue = cueLastWords.contains(hash)
                afterTitle = titles.contains(hash)
                index = end
                continue
            }
            guard byte >= 0x41, byte <= 0x5A, index == 0 || !isWordByte(index - 1) else { index += 1; continue }
            var end = index + 1
            while end < count, text[end] < 0x80, isWordByte(end) { end += 1 }
            if end < count, text[end] >= 0x80 { return nil }
            // All capitals (NHS) and single capitals are not names by themselves.
            guard end - index >= 2, text[index + 1] >= 0x61 || text[index + 1] == 0x27 else {
                let hash = WordHash.of(UnsafeBufferPointer(rebasing: text[index..<end]))
                afterCue = cueLastWords.contains(hash)
                afterTitle = titles.contains(hash)
                index = end
                continue
            }
            sawCapitalised = true
            var keyEnd = end
            if keyEnd - index > 3, text[keyEnd - 1] | 0x20 == 0x73, text[keyEnd - 2] == 0x27 { keyEnd -= 2 }
            let hash = WordHash.of(UnsafeBufferPointer(rebasing: text[index..<keyEnd]))
            if mayStartName(hash: hash, plainHash: hash, tailHash: hash, afterCue: afterCue) { open(index, end) }
            // The whole word, a possessive's ending included, as the word before the next one.
            afterCue = cueLastWords.contains(keyEnd == end ? hash : WordHash.of(UnsafeBufferPointer(rebasing: text[index..<end])))
            afterTitle = titles.contains(hash)
            index = end
        }
        return sawCapitalised ? windows : nil
    }

    private func scan(
        _ text: UnsafeBufferPointer<UInt8>, tokens: [NameToken], lowerCaseText: Bool, explain: Bool,
        found: (Candidate) -> Void, letGo: (Range<Int>, String) -> Void
    ) {
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if token.inAddress {
                index += 1
                continue
            }
            // A capitalised role heading a run is the name's cue, not part of it: `Radiographer
            // Chidi took ages` (the run starts at Chidi, after the cue).
            if token.capitalised, personNouns.contains(token.hash), !isFirst(token), index + 1 < tokens.count,
               tokens[index + 1].joinedToPrevious, tokens[index + 1].capitalised, !tokens[index + 1].initial {
                index += 1
                continue
            }
            // A listed first name written in lower case right after a strong cue, in a message
            // that capitalises other words: `Big thanks to priya from the SLT team`.
            // So is a listed surname that is no English word (`Nurse macdonald was kind`).
            let lowerAfterCue = !lowerCaseText && !token.capitalised && cueBefore(text, tokens, at: index)?.strong == true
                && (isLowerCaseName(token) || isSurname(token) && !isWord(token) && !stopWords.contains(token.hash) && token.range.count >= 3)
            // An initial with its full stop before a capitalised word: `Regards, T. O'Sullivan`.
            // Two initials may lead it: `Yours sincerely, R. J. Pemberton`.
            let secondInitial = index + 2 < tokens.count && tokens[index + 1].initial && tokens[index + 1].joinedToPrevious
                && text[tokens[index + 1].range.upperBound - 1] == 0x2E
            let named = index + (secondInitial ? 2 : 1)
            // Not the E of `A&E.`
            // Two initials opening a line before a word in lower case sign off a lower-case
            // message (`yours sincerely\nt. c. lewandowski`).
            let initialLed = token.initial && text[token.range.upperBound - 1] == 0x2E && token.punctuationBefore != 0x26 && named < tokens.count
                && tokens[named].joinedToPrevious && !tokens[named].initial
                && (tokens[named].capitalised || secondInitial && token.lineStart && lowerCaseText)
                && !followsDigit(text, token.range.lowerBound)
            // A listed first name that is also a place or organisation word (Wing, as a hospital's)
            // before a listed surname that is no word: `Thanks, Wing Huang`.
            let placeWordNamed = token.capitalised && followers.contains(token.hash) && isFirst(token) && index + 1 < tokens.count
                && tokens[index + 1].joinedToPrevious && tokens[index + 1].capitalised && isSurname(tokens[index + 1])
                && !isWord(tokens[index + 1]) && !followers.contains(tokens[index + 1].hash)
            // `ms gill referred me on`, `miss khan`: in a lower-case message a listed name right
            // after a title.
            let afterTitle = (lowerCaseText || !token.capitalised) && isAfterTitle(tokens, at: index)
            // `passed between Kavanagh and Green`, `between King and Pillai`: a capitalised listed
            // surname a patient is handed between, though it is also a word or a title.
            let handedSurname = token.capitalised && !token.sentenceStart && isSurname(token) && isHandedBetween(tokens, at: index)
            guard initialLed || placeWordNamed || afterTitle || handedSurname
                || (lowerAfterCue || isCandidateStart(token, lowerCaseText: lowerCaseText))
                    && mayStartName(hash: token.hash, plainHash: token.plainHash, tailHash: token.tailHash,
                                    afterCue: index > 0 && cueLastWords.contains(tokens[index - 1].hash))
            else {
                index += 1
                continue
            }
            // Extend the run: capitalised words, initials, particles, joined by spaces only.
            var end = index + 1
            while end < tokens.count, end - index < 4, tokens[end].joinedToPrevious, !tokens[end].inAddress {
                let next = tokens[end]
                if followers.contains(next.hash),
                   // A first name that is also a word (Billy, Jack) takes such a surname after a
                   // strong cue: `My name is Billy Green`, `I'm Jack Hill`.
                   !(surnameFollowers.contains(next.hash) && end == index + 1 && isFirst(token)
                     && (!isWord(token) || cueBefore(text, tokens, at: index)?.strong == true)
                     && !(end + 1 < tokens.count && tokens[end + 1].joinedToPrevious && followers.contains(tokens[end + 1].hash))
                     && !(index > 0 && (placeBefore.contains(tokens[index - 1].hash) || blockBefore.contains(tokens[index - 1].hash)
                                        || wardPlaceWords.contains(tokens[index - 1].hash))
                          && cueBefore(text, tokens, at: index)?.strong != true)),
                   !(end == index + 1 && signsWithPlaceSurname(text, tokens, first: index, surname: next)) {
                    break
                }
                let surnameAfterFirst = lowerCaseText && end == index + 1
                    && (surnameFollowers.contains(next.hash) && isSurname(next) && isFirst(token) && !isWord(token)
                        || !isWord(next) && next.range.count >= 3 && !stopWords.contains(next.hash) && !isWord(token)
                           && !roleWords.contains(next.hash) && !roleWords.contains(token.hash))
                let lowerSurname = lowerAfterCue && end == index + 1 && !next.capitalised && isSurname(next) && !isWord(next)
                    // `my name is john smith`: after a strong cue a listed surname follows a listed
                    // first name in a lower-case (or all-capitals) message, English word or not.
                    || lowerCaseText && end == index + 1 && isFirst(token) && isSurname(next) && !stopWords.contains(next.hash)
                        && !monthsAndDays.contains(next.hash) && cueBefore(text, tokens, at: index)?.strong == true
                // `denise turner is a credit`, `many thanks, sangeeta shah`: in a lower-case (or
                // capitals) message a listed surname, English word or not, after a listed first
                // name that is none, when the sentence or a verb comes next.
                let surnameThenBreak = lowerCaseText && end == index + 1 && isFirst(token) && !isWord(token) && !token.possessive
                    && !followsDigit(text, token.range.lowerBound) && isSurname(next)
                    && !stopWords.contains(next.hash) && !verbNames.contains(next.hash) && !monthsAndDays.contains(next.hash)
                    && !roleWords.contains(next.hash)
                    && (end + 1 == tokens.count || !tokens[end + 1].joinedToPrevious || copulas.contains(tokens[end + 1].hash))
                // `Abd al-Rahman`, `Amin el-Sayed`: a particle joined by a hyphen to a capitalised name.
                let particleJoined = next.headHash != next.hash && particles.contains(next.headHash) && capitalisedAfterHyphen(text, next)
                // `t. c. lewandowski` opening a line of a lower-case message: the line's last word.
                let afterLineInitials = lowerCaseText && end == index + 2 && token.initial && token.lineStart && tokens[index + 1].initial
                    && !stopWords.contains(next.hash) && next.range.count >= 2
                    && (end + 1 == tokens.count || tokens[end + 1].lineStart)
                if nameWord(next, lowerCaseText: lowerCaseText) || next.initial || surnameAfterFirst || lowerSurname || surnameThenBreak
                    || particleJoined || afterLineInitials {
                    end += 1
                    if next.possessive { break }
                } else if particles.contains(next.hash), end + 1 < tokens.count, tokens[end + 1].joinedToPrevious,
                          nameWord(tokens[end + 1], lowerCaseText: lowerCaseText) {
                    end += 2
                } else if particles.contains(next.hash), end + 2 < tokens.count, particles.contains(tokens[end + 1].hash),
                          tokens[end + 1].joinedToPrevious, tokens[end + 2].joinedToPrevious,
                          nameWord(tokens[end + 2], lowerCaseText: lowerCaseText) {
                    // Two particles: `van der Berg`, `de la Cruz`.
                    end += 3
                } else {
                    break
                }
            }
            let run = index..<end
            let verdict = judge(text, tokens, run, lowerCaseText: lowerCaseText, explain: explain)
            let range = tokens[run.lowerBound].range.lowerBound..<tokens[run.upperBound - 1].range.upperBound
            if let reason = verdict.accepted {
                // A possessive name is redacted without its 's.
                var valueEnd = range.upperBound
                if tokens[run.upperBound - 1].possessive { valueEnd = trimPossessive(text, range) }
                found(Candidate(range: range.lowerBound..<valueEnd, explanation: reason))
                // "Tavoren and Priya": an unknown capitalised word joined by "and" (or `&`: `Tom &
                // Jerry`) to a name before it (in a lower-case message, an unknown or listed one:
                // `amber and sunita`).
                // Not across a sentence's end (`suggested physio. and bernard is a star`), nor a role.
                let joined = run.lowerBound >= 2 && isAnd(tokens[run.lowerBound - 1]) && !tokens[run.lowerBound - 1].capitalised
                    && tokens[run.lowerBound - 1].joinedToPrevious
                    ? run.lowerBound - 2 : run.lowerBound >= 1 && tokens[run.lowerBound].punctuationBefore == 0x26 ? run.lowerBound - 1 : nil
                if let joined, tokens[joined].capitalised || lowerCaseText && tokens[joined].range.count >= 3,
                   !tokens[joined].initial, !isWord(tokens[joined]) || isFirst(tokens[joined]), !roleWords.contains(tokens[joined].hash),
                   !stopWords.contains(tokens[joined].hash), !followers.contains(tokens[joined].hash),
                   !notNames.contains(tokens[joined].hash), !monthsAndDays.contains(tokens[joined].hash),
                   joined < 1 || !blockBefore.contains(tokens[joined - 1].hash) {
                    found(Candidate(range: tokens[joined].range, explanation: "joined by 'and' to a name"))
                }
                // "Tom, Amara and Lewis": a listed first name that is also a word, listed before a
                // name with a comma or a slash (a name in a list of names), also as a list's first
                // after a colon (`physios: Tom, Amara and someone else`, `team: Holly / Nathan`).
                if run.lowerBound >= 1,
                   tokens[run.lowerBound].punctuationBefore == UInt8(ascii: ",") || tokens[run.lowerBound].punctuationBefore == UInt8(ascii: "/"),
                   isFirst(tokens[run.lowerBound]) {
                    let previous = tokens[run.lowerBound - 1]
                    if previous.capitalised, !previous.initial, !previous.sentenceStart || previous.punctuationBefore == UInt8(ascii: ":"),
                       isFirst(previous), !previous.possessive,
                       !stopWords.contains(previous.hash), !followers.contains(previous.hash), !notNames.contains(previous.hash),
                       !monthsAndDays.contains(previous.hash), !roleWords.contains(previous.hash) {
                        found(Candidate(range: previous.range, explanation: "listed with a comma before a name"))
                    }
                }
                index = end
                // "Priya and Tavoren": a name joined by "and" to an accepted one; a name written in
                // lower case joins one so written (`thanks to priya and tom`), a listed first name
                // that is a word too (not a verb or a month: `priya and will`, `and may`).
                let lowerStyle = lowerCaseText || !token.capitalised
                if end + 1 < tokens.count, isAnd(tokens[end]), tokens[end + 1].capitalised || lowerStyle,
                   !tokens[end + 1].sentenceStart,
                   nameWord(tokens[end + 1], lowerCaseText: lowerStyle)
                    || lowerStyle && isFirst(tokens[end + 1]) && !verbNames.contains(tokens[end + 1].hash)
                        && !monthsAndDays.contains(tokens[end + 1].hash),
                   !stopWords.contains(tokens[end + 1].hash),
                   !commonWords.contains(tokens[end + 1].hash) || firstNames.contains(tokens[end + 1].hash) {
                    var last = end + 2
                    while last < tokens.count, last - end - 1 < 3, tokens[last].joinedToPrevious,
                          nameWord(tokens[last], lowerCaseText: lowerStyle), !followers.contains(tokens[last].hash) { last += 1 }
                    if last >= tokens.count || !followers.contains(tokens[last].hash) {
                        found(Candidate(
                            range: tokens[end + 1].range.lowerBound..<tokens[last - 1].range.upperBound,
                            explanation: "joined by 'and' to a name"))
                        index = last
                    }
                }
            } else {
                if explain, let reason = verdict.rejected { letGo(range, reason) }
                // A run led by an initial that is no name leaves the word after it to be judged
                // on its own (`… 56 C. Sukhvinder never gave up`: the C ends an NI number).
                if initialLed {
                    index += 1
                    continue
                }
                // A run led by an English word that starts the sentence leaves the rest to be
                // judged on its own: `Tell Jean-Luc thank you`, `Ask Kehinde`.
                // So does one led by an English word inside a sentence, a nickname's (`Big Dave`).
                if run.count > 1, isWord(token), !isFirst(token) {
                    index += 1
                    continue
                }
                index = max(end, index + 1)
                // An organisation word that ended the run goes with it (Florence Ward, Grace Lane).
                if index < tokens.count, followers.contains(tokens[index].hash) { index += 1 }
            }
        }
    }

    private let andHash = WordHash.of("and".utf8)
    private let nHash = WordHash.of("n".utf8)

    /// `and`, or its text-speak `n` (`stu n ali`).
    private func isAnd(_ token: NameToken) -> Bool {
        token.hash == andHash || token.hash == nHash
    }
    private let betweenHash = WordHash.of("between".utf8)

    /// Whether the word at `index` follows `passed between` (or the like), or `passed between`,
    /// one word and `and`.
    private func isHandedBetween(_ tokens: [NameToken], at index: Int) -> Bool {
        var at = index
        if at >= 4, tokens[at - 1].hash == andHash, tokens[at - 3].hash == betweenHash { at -= 2 }
        return at >= 2 && tokens[at - 1].hash == betweenHash && Self.handedOn.contains(tokens[at - 2].hash)
    }

    /// Whether `and`, one to three capitalised words and an organisation or place word start at
    /// `index`: the name before is part of that name (`Victoria and Albert Museum`). Not a place
    /// word people have as a surname (`Sarah and Tom Ward`).
    private func namesOrganisationAfterAnd(_ tokens: [NameToken], at index: Int) -> Bool {
        guard tokens[index].hash == andHash, tokens[index].joinedToPrevious else { return false }
        var at = index + 1
        while at < tokens.count, at - index <= 3, tokens[at].joinedToPrevious, tokens[at].capitalised, !followers.contains(tokens[at].hash) {
            at += 1
        }
        return at > index + 1 && at < tokens.count && tokens[at].joinedToPrevious && followers.contains(tokens[at].hash)
            && !surnameFollowers.contains(tokens[at].hash)
    }

    /// Whether the letter after the first hyphen in `token` is an ASCII capital (`al-Rahman`).
    private func capitalisedAfterHyphen(_ text: UnsafeBufferPointer<UInt8>, _ token: NameToken) -> Bool {
        guard let hyphen = UnsafeBufferPointer(rebasing: text[token.range]).firstIndex(of: 0x2D) else { return false }
        let after = token.range.lowerBound + hyphen + 1
        return after < token.range.upperBound && (0x41...0x5A).contains(text[after])
    }

    /// Whether `and Co`, `and Sons` (a firm's name) starts at `index`.
    private func isFirmAfter(_ tokens: [NameToken], at index: Int) -> Bool {
        index + 1 < tokens.count && tokens[index].hash == andHash && Self.firmWords.contains(tokens[index + 1].hash)
    }

    /// A listed first name and a surname that is also a place word (Hill, Wood, Ward, Green)
    /// ending the text where a contribution is signed: on a line of their own, or after a
    /// sign-off opening the sentence (`Regards,\nHarry Hill`, `Thanks. From Philip Hill`).
    private func signsWithPlaceSurname(_ text: UnsafeBufferPointer<UInt8>, _ tokens: [NameToken], first index: Int, surname: NameToken) -> Bool {
        let token = tokens[index]
        guard surnameFollowers.contains(surname.hash), isFirst(token), isAtEnd(text, after: surname) else { return false }
        if token.lineStart { return true }
        guard index > 0 else { return false }
        let previous = tokens[index - 1]
        return previous.sentenceStart && cueLastWords.contains(previous.hash)
    }

    private func trimPossessive(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var end = range.upperBound
        if text[end - 1] == 0x27 { return end - 1 }  // Thomas'
        end -= 1  // s
        if text[end - 1] == 0x27 { return end - 1 }
        return end - 3  // ’
    }

    /// A word that can be part of a name.
    private func nameWord(_ token: NameToken, lowerCaseText: Bool) -> Bool {
        if token.capitalised { return true }
        guard lowerCaseText else { return false }
        return (firstNames.contains(token.hash) || surnames.contains(token.hash) || token.hash != token.plainHash && surnames.contains(token.plainHash))
            && !commonWords.contains(token.hash)
    }

    /// Whether a word can start a name: not a function or organisation word, and not an English
    /// word that no list holds unless a cue word comes right before it. The commonest capitalised
    /// word, an English word starting a sentence, stops here. Shared by the scan and by the
    /// choice of windows, so that the windows never skip a word the scan would have read.
    private func mayStartName(hash: UInt64, plainHash: UInt64, tailHash: UInt64, afterCue: @autoclosure () -> Bool) -> Bool {
        if stopWords.contains(hash) || followers.contains(hash) { return false }
        guard commonWords.contains(hash), !firstNames.contains(hash), !firstNames.contains(plainHash),
              !surnames.contains(hash), !surnames.contains(plainHash), !surnames.contains(tailHash)
        else { return true }
        return afterCue()
    }

    /// Whether a digit comes before `start`, past spaces (`56 C.`: a letter ending an identifier).
    private func followsDigit(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        var back = start - 1
        while back >= 0, text[back] == 0x20 { back -= 1 }
        return back >= 0 && (0x30...0x39).contains(text[back])
    }

    /// Whether a digit comes at `end`, past spaces (`Flat 2b`).
    private func precedesDigit(_ text: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
        var next = end
        while next < text.count, text[next] == 0x20 { next += 1 }
        return next < text.count && (0x30...0x39).contains(text[next])
    }

    /// A lower-case word that is a listed first name and no English word (`priya`, not `will`).
    private func isLowerCaseName(_ token: NameToken) -> Bool {
        isLowerCaseName(hash: token.hash) || token.plainHash != token.hash && isLowerCaseName(hash: token.plainHash)
    }

    private func isLowerCaseName(hash: UInt64) -> Bool {
        firstNames.contains(hash) && !commonWords.contains(hash) && !stopWords.contains(hash) && !monthsAndDays.contains(hash)
    }

    /// True when the token at `index` is a listed first name or surname (no function word, no
    /// verb-name, no month or day) right after a title in the same sentence.
    private func isAfterTitle(_ tokens: [NameToken], at index: Int) -> Bool {
        guard index > 0, titles.contains(tokens[index - 1].hash) else { return false }
        let token = tokens[index]
        // The title's own full stop ends no sentence (`we seen dr. nwosu`).
        return (!token.sentenceStart || token.punctuationBefore == 0x2E && !token.lineStart) && !token.initial && (isFirst(token) || isSurname(token)) && !stopWords.contains(token.hash)
            && !verbNames.contains(token.hash) && !monthsAndDays.contains(token.hash)
    }

    private func isCandidateStart(_ token: NameToken, lowerCaseText: Bool) -> Bool {
        if token.initial { return false }
        if lowerCaseText, isFirst(token) || !isWord(token) && token.range.count >= 3 && !roleWords.contains(token.hash) { return true }
        return nameWord(token, lowerCaseText: lowerCaseText)
    }

    /// A listed first name, or two joined by a hyphen (`Jean-Luc`, `Lily-Mae`).
    private func isFirst(_ token: NameToken) -> Bool {
        firstNames.contains(token.hash) || firstNames.contains(token.plainHash)
            || token.tailHash != token.hash && firstNames.contains(token.headHash) && firstNames.contains(token.tailHash)
    }
    private func isSurname(_ token: NameToken) -> Bool {
        surnames.contains(token.hash) || surnames.contains(token.plainHash) || surnames.contains(token.tailHash)
    }
    private func isWord(_ token: NameToken) -> Bool { commonWords.contains(token.hash) }

    struct Verdict {
        var accepted: String?
        var rejected: String?
    }

    private func judge(
        _ text: UnsafeBufferPointer<UInt8>, _ tokens: [NameToken], _ run: Range<Int>, lowerCaseText: Bool, explain: Bool
    ) -> Verdict {
        let first = tokens[run.lowerBound]
        let last = tokens[run.upperBound - 1]
        let count = run.count
        let previous = run.lowerBound > 0 ? tokens[run.lowerBound - 1] : nil
        let next = run.upperBound < tokens.count ? tokens[run.upperBound] : nil
        let firstListed = isFirst(first)
        let firstWord = isWord(first)
        // Organisation and place words after, title-like words before.
        // `Sarah's clinic` (in lower case) is hers; `Sarah's Clinic`, `St Mary's Hospital` are names of places.
        let ownsLowerCaseWord = count == 1 && first.possessive && next.map { !$0.capitalised && $0.joinedToPrevious } == true
            && !(previous.map { blockBefore.contains($0.hash) || $0.hash == theHash } ?? false)
        let possessesNext = ownsLowerCaseWord && firstListed
        // `Stanley's manner`, `James's exercises`, `Kemr's attitude`: what only a person has,
        // though a place, a saint's hospital or no list has the name.
        let personsQuality = ownsLowerCaseWord && next.map { Self.personQualities.contains($0.hash) } == true
            && !Self.hospitalEponyms.contains(first.hash)
        if let next, next.joinedToPrevious, followers.contains(next.hash), !possessesNext, !personsQuality {
            return Verdict(rejected: "an organisation or place word follows")
        }
        if next?.hash == andHash, namesOrganisationAfterAnd(tokens, at: run.upperBound) {
            return Verdict(rejected: "joined by 'and' to an organisation's or place's name")
        }
        if first.possessive, count == 1, eponyms.contains(first.hash), !personsQuality {
            return Verdict(rejected: "an eponym (a condition or a place named after someone)")
        }
        // `With thanks, the Okoro family`: a surname between `the` and `family` (`the Mac Giolla
        // Phádraig family`, `teh Selbfield family`).
        if count <= 3, let previous, previous.hash == theHash || previous.hash == tehHash, let next, next.joinedToPrevious,
           Self.familyWords.contains(next.hash), !first.possessive, !firstWord || isSurname(first) || count == 3 && isSurname(last),
           !notNames.contains(first.hash) {
            return Verdict(accepted: "a surname between 'the' and '\(word(text, next))'")
        }
        // Also as a label's value: `Ward: Victoria`.
        if let previous, first.joinedToPrevious || first.punctuationBefore == nil || first.punctuationBefore == 0x3A,
           blockBefore.contains(previous.hash) {
            return Verdict(rejected: explain ? "'\(word(text, previous))' before it makes it a place or an organisation" : "")
        }
        // A role alone is a cue, never a name: `Nurse Practitioner clinics`, `Nurse Specialist`.
        if count == 1, roleWords.contains(first.hash), !firstListed {
            return Verdict(rejected: explain ? "'\(word(text, first))' is a role" : "")
        }
        if count == 1, first.capitalised, !first.sentenceStart, isSurname(first), !roleWords.contains(first.hash),
           !notNames.contains(first.hash), isHandedBetween(tokens, at: run.lowerBound) {
            return Verdict(accepted: "a listed surname a patient is passed between, though a word too")
        }
        if stopWords.contains(first.hash) && !first.initial {
            return Verdict(rejected: explain ? "'\(word(text, first))' is a function word" : "")
        }
        // A listed place or organisation: the run, its first two words, or the run with a word
        // or two either side (Marks and Spencer, milton keynes).
        let cue = cueBefore(text, tokens, at: run.lowerBound)
        let strongCue = cue.map { $0.strong && !lowerCaseText } ?? false
        // A name line with the writer's town on a line under it ends the text too (`Vovs
        // Woldby\nLincoln`).
        let atEnd = isAtEnd(text, after: last) || next.map { $0.lineStart && run.upperBound == tokens.count - 1
            && notNames.contains($0.hash) && isAtEnd(text, after: $0) } == true
        let cueOpensLine = cue.map { tokens[run.lowerBound - $0.count].lineStart } ?? false
        let signsOff = atEnd && (first.lineStart || cueOpensLine)
        // `my name is jordan`: in a lower-case message a listed first name right after a strong
        // cue is a name, though a place or organisation has it too.
        let namedAfterCue = lowerCaseText && cue?.strong == true && count <= 2 && firstListed
        // `Chester the paramedic`, `Florence my physio`, `Devon was my OT`: a listed first name
        // with a role after it, though a place has it too; or, in mixed case, what a person does.
        let roleAfter = count == 1 && firstListed && isRoleAfter(tokens, at: run.upperBound, listed: true)
        let actionAfter = count == 1 && firstListed && follows(personCueAfterHashes, tokens, at: run.upperBound)
        let personAfter = roleAfter || actionAfter && !lowerCaseText
        // `Zara Mahmood\nBradford`: a word alone on the line after a name is where they live as
        // often as who they are, so it does not sign off against the list.
        let afterNameLine = count == 1 && first.lineStart
            && previous.map { ($0.capitalised || lowerCaseText || $0.tailHash != $0.hash) && !cueLastWords.contains($0.hash) } == true
        let signsOffAgainstList = signsOff && !afterNameLine
        // Evidence of a person passes over the list, but not an entry that holds the cue itself
        // (`Dr Martens`, a brand: the title is part of its name), unless the run signs off.
        let personEvidence = signsOffAgainstList || strongCue && count <= 2 || namedAfterCue || personAfter
            || personsQuality && firstListed
        for lower in max(0, run.lowerBound - 2)...run.lowerBound where !personEvidence || lower < run.lowerBound && !signsOffAgainstList {
            for upper in run.upperBound...min(tokens.count, run.upperBound + 1) where upper - lower <= 4 {
                if notNames.contains(runHash(text, tokens, lower..<upper)) { return Verdict(rejected: "a listed place or organisation") }
            }
        }
        if count > 1 && !signsOff && !strongCue && notNames.contains(runHash(text, tokens, run.lowerBound..<run.lowerBound + 2)) {
            return Verdict(rejected: "a listed place or organisation")
        }
        let monthOrDay = monthsAndDays.contains(first.hash)
        let cueText = { cue.map { self.cueWords(text, tokens, at: run.lowerBound, count: $0.count) } ?? "" }
        let strongAfter = cueAfter(tokens, at: run.upperBound, strong: true, listed: firstListed || isSurname(last))
        let weakAfter = strongAfter || cueAfter(tokens, at: run.upperBound, strong: false)
        let lastIsSurname = count > 1 && isSurname(last) && !last.initial
        let allUnambiguous = run.allSatisfy { !isWord(tokens[$0]) || tokens[$0].initial }

        // `the physio said to rest`, `my physio will ring`: in a lower-case message a verb right
        // after a person's noun is the verb, though someone is called it (Said, Will, Mark).
        // A verb has no `is` after it: `my mum pat is 88` names her.
        let copulaAfter = next.map { count == 1 && !$0.sentenceStart && $0.punctuationBefore == nil && copulas.contains($0.hash) } ?? false
        if lowerCaseText, !signsOff, !copulaAfter, verbNames.contains(first.hash), let previous,
           personNouns.contains(previous.hash) || titles.contains(previous.hash) {
            return Verdict(rejected: "a verb after a person in a lower-case message")
        }
        // A month people are named after is a name right after a strong cue (`I spoke to Jun`,
        // `thanks to May`); a day never is (`I spoke to Sunday staff`).
        // So is one with a surname or an unknown word after it, after a strong cue (`I'm Jan de
        // Vries`, `thanks to May Smith`).
        if monthOrDay && !(count > 1 && lastIsSurname && !isWord(last))
            && !(cue?.strong == true && monthNames.contains(first.hash)
                 && (count == 1 || (!isWord(last) || isSurname(last)) && !monthsAndDays.contains(last.hash))) {
            return Verdict(rejected: "a month or a day")
        }
        // `the nurse was Irish`, `an Irish nurse`, `my carer is Christian`: a word that describes a
        // person, though someone is called it.
        if count == 1, describingWords.contains(first.hash), let previous, describingLeads.contains(previous.hash) {
            return Verdict(rejected: "a word describing a person after '\(word(text, previous))'")
        }
        // `wrote to Flat 2b`, `sent to Unit 4`: an English word before a number labels it.
        if count == 1, firstWord, !firstListed, !isSurname(first), precedesDigit(text, last.range.upperBound) {
            return Verdict(rejected: "an English word before a number")
        }
        if firstListed && !firstWord {
            return Verdict(accepted: "first name in the gazetteer" + (count > 1 ? " with a surname" : ""))
        }
        if personsQuality, !lowerCaseText, !firstWord || firstListed, !roleWords.contains(first.hash) {
            return Verdict(accepted: "possessive before what only a person has")
        }
        // In a lower-case message: a listed first name (`lily's manner was awful`), or an unknown
        // word opening a sentence (`sheerth's exercises worked`; not `the nhs's approach`).
        if personsQuality, lowerCaseText, !roleWords.contains(first.hash), !personNouns.contains(first.hash),
           !verbNames.contains(first.hash), !seasons.contains(first.hash), !stopWords.contains(first.hash),
           firstListed || !firstWord && first.sentenceStart && first.range.count >= 6 {
            return Verdict(accepted: "possessive before what only a person has, in a lower-case message")
        }
        // `Tom's exercises worked`, `Grace's manner`: a listed first name that is also a word
        // owns what follows (eponyms, months and places are ruled out above).
        if possessesNext, !lowerCaseText, !verbNames.contains(first.hash), !personNouns.contains(first.hash), !seasons.contains(first.hash) {
            return Verdict(accepted: "a listed first name, possessive, before a lower-case word")
        }
        // `Physio: Lindiwe.`, `podiatrist: Sven`: a role and a colon label the name after them.
        if let previous, first.punctuationBefore == 0x3A, roleWords.contains(previous.hash), !firstWord {
            return Verdict(accepted: "after '\(word(text, previous)):'")
        }
        // `my mum's patience ran out`: a quality of the person before, not a name.
        if let previous, previous.possessive, first.joinedToPrevious, Self.personQualities.contains(first.hash) {
            return Verdict(rejected: "a quality of '\(word(text, previous))'")
        }
        if firstListed && count > 1 && (lastIsSurname || !isWord(last)) && (!(first.sentenceStart && isWord(last)) || strongAfter) {
            return Verdict(accepted: "first name and surname in the gazetteers")
        }
        if lowerCaseText || !first.capitalised, isAfterTitle(tokens, at: run.lowerBound) {
            return Verdict(accepted: "a listed name after '\(word(text, tokens[run.lowerBound - 1]))' in a lower-case message")
        }
        // `My physio was Guy, he was great`, `our OT is Faith.`, `Thanks Sunny, you are a star`:
        // a listed first name ending its clause after a role and was/is, or after a thanks.
        if firstListed, count == 1, !lowerCaseText, !monthOrDay, !first.sentenceStart, !describingWords.contains(first.hash),
           isClauseEnd(text, after: last), isNamedByRoleOrGreeting(tokens, at: run.lowerBound) {
            return Verdict(accepted: "a listed first name after '\(word(text, tokens[run.lowerBound - 1]))', ending its clause")
        }
        // After `and` in a lower-case message a listed name that is a word needs a word before
        // the `and` that is none (`sarah and grace`, `korra and josh`; not `grace and patience are
        // needed`).
        let andJoinsName = run.lowerBound > 0 && tokens[run.lowerBound - 1].hash == andHash
            && (!lowerCaseText || !firstWord || run.lowerBound >= 2 && !isWord(tokens[run.lowerBound - 2])
                && !stopWords.contains(tokens[run.lowerBound - 2].hash) && tokens[run.lowerBound - 2].range.count >= 3)
        if let cue, cue.strong || firstListed && (atEnd || andJoinsName), !firstWord || firstListed,
           !lowerCaseText || firstListed || isSurname(first) || cue.strong && first.range.count >= 3 {
            return Verdict(accepted: "after '\(cueText())'" + (firstListed ? "; first name in the gazetteer" : ""))
        }
        // `Thanks to Rain for everything` may be the weather; `Shout out to Rain the OT` is not.
        let usedAsWord = next.map { count == 1 && firstWord && !$0.capitalised && wordUseAfter.contains($0.hash) } ?? false
            && !isRoleAfter(tokens, at: run.upperBound, listed: false)
        let afterPlaceWord = previous.map { first.joinedToPrevious && placeBefore.contains($0.hash) } ?? false
        if let cue, cue.strong, !lowerCaseText, !first.sentenceStart || first.lineStart, !usedAsWord {
            return Verdict(accepted: "a capitalised word after '\(cueText())'")
        }
        if firstListed && !first.sentenceStart && previous != nil && !lowerCaseText && !usedAsWord && !(afterPlaceWord && firstWord) {
            return Verdict(accepted: "first name in the gazetteer, capitalised inside a sentence")
        }
        // `We were passed between Holsett and Green`, `sent back and forth between`: people a
        // patient is handed between, a surname that is a word included; not roles or departments.
        if count <= 2, isHandedBetween(tokens, at: run.lowerBound), !roleWords.contains(first.hash),
           !firstWord || firstListed || isSurname(first) {
            return Verdict(accepted: "a person a patient is passed between")
        }
        // `passed between Okafor and Lindqvist`: a listed surname, whole (not `X-ray`), alone;
        // not a body part or condition named after someone (`my Achilles`), nor a firm (`Hobbs
        // and Co`).
        // Nor a place someone comes from or goes to (`We moved here from Lagos`).
        if count == 1, surnames.contains(first.hash) || surnames.contains(first.plainHash), first.tailHash == first.hash, !firstWord,
           !first.sentenceStart, previous != nil, !lowerCaseText, !afterPlaceWord, !eponyms.contains(first.hash),
           previous.map({ !Self.movementWords.contains($0.hash) }) == true,
           !isFirmAfter(tokens, at: run.upperBound), !Self.firmWords.contains(first.hash), first.range.count >= 3 {
            return Verdict(accepted: "surname in the gazetteer, capitalised inside a sentence")
        }
        // `Thanks, J. Smith`: an initial and a listed surname, an English word too.
        // Not `A&E. He was quick` (the E of A&E, and a pronoun).
        if count == 2, first.initial, text[first.range.upperBound - 1] == 0x2E, first.punctuationBefore != 0x26, lastIsSurname,
           !followers.contains(last.hash), !stopWords.contains(last.hash) {
            return Verdict(accepted: "an initial and a surname in the gazetteer")
        }
        if count > 1 && lastIsSurname && allUnambiguous {
            return Verdict(accepted: "surname in the gazetteer after a capitalised name")
        }
        // `yours sincerely\nt. c. lewandowski`: two initials opening the last line, and a word.
        if count == 3, first.initial, tokens[run.lowerBound + 1].initial, first.lineStart, signsOff, !stopWords.contains(last.hash) {
            return Verdict(accepted: "two initials and a name signing off")
        }
        let allListedOrUnambiguous = run.allSatisfy { let t = tokens[$0]; return !isWord(t) || isFirst(t) || isSurname(t) || t.initial }
        if signsOff && allListedOrUnambiguous && !lowerCaseText && !stopWords.contains(first.hash) {
            return Verdict(accepted: "signs off the contribution")
        }
        // A role is a cue, never a name: `Physio said I was fine`, `Physio in the community team`.
        if strongAfter && (!firstWord || firstListed) && !lowerCaseText && !afterPlaceWord && !(count == 1 && roleWords.contains(first.hash)) {
            return Verdict(accepted: "a person's cue after it")
        }
        if lowerCaseText && !firstWord && !firstListed && !roleWords.contains(first.hash) && (signsOff || cue?.strong == true || strongAfter) {
            return Verdict(accepted: "an unknown word in a lower-case message" + (signsOff ? ", signing off" : cue != nil ? ", after a cue" : ", before a person's cue"))
        }
        // `amir did my xray`; `sandy was my physio`, `patience the podiatrist` opening a sentence
        // (a word that is a name, not a verb: `will the physio ring`).
        let roleOpens = (roleAfter || actionAfter) && first.sentenceStart && !verbNames.contains(first.hash) && !seasons.contains(first.hash)
        // `can i just say amber was a godsend`: praise only a person gets, after a listed name
        // anywhere in a lower-case message (not after `my`, `the`: `my faith was a godsend`).
        let praisedAnywhere = count == 1 && lowerCaseText && follows(praiseHashes, tokens, at: run.upperBound)
            && !verbNames.contains(first.hash) && !seasons.contains(first.hash)
            && previous.map { !Self.determiners.contains($0.hash) } ?? true
        if lowerCaseText && firstListed
            && (signsOff || cue?.strong == true || count > 1 && isSurname(last) && !isWord(last) || strongAfter && (!firstWord || roleOpens)
                || praisedAnywhere) {
            return Verdict(accepted: "a listed name in a lower-case message" + (signsOff ? ", signing off" : cue != nil ? ", after a cue" : ""))
        }
        if weakAfter && !firstWord && !lowerCaseText && !afterPlaceWord && (firstListed || isSurname(first) || count > 1 && allUnambiguous) {
            return Verdict(accepted: "a listed name with a cue after it")
        }
        return Verdict(rejected: firstListed ? "a listed first name that is also an English word, with no cue" : "no name evidence")
    }

    private func word(_ text: UnsafeBufferPointer<UInt8>, _ token: NameToken) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: text[token.range]), as: UTF8.self)
    }

    /// The hash of the run's words joined by single spaces.
    private func runHash(_ text: UnsafeBufferPointer<UInt8>, _ tokens: [NameToken], _ run: Range<Int>) -> UInt64 {
        var hash = WordHash.seed
        for (offset, index) in run.enumerated() {
            if offset > 0 { hash = WordHash.space(hash) }
            let token = tokens[index]
            var end = token.range.upperBound
            if token.possessive { end = trimPossessive(text, token.range) }
            for byte in UnsafeBufferPointer(rebasing: text[token.range.lowerBound..<end]) {
                hash = (hash ^ UInt64(WordHash.fold(byte))) &* WordHash.prime
            }
        }
        return hash
    }

    private func cueBefore(_ text: UnsafeBufferPointer<UInt8>, _ tokens: [NameToken], at index: Int) -> (strong: Bool, count: Int)? {
        // The small set first: most words end no cue, and the dictionary hashes its key again.
        guard index > 0, cueLastWords.contains(tokens[index - 1].hash), let candidates = cuesByLastWord[tokens[index - 1].hash]
        else { return nil }
        let start = tokens[index]
        // A sentence end between the cue and the name breaks it, except for a line break after a sign-off.
        // A title's own full stop ends no sentence (`we seen dr. Parmar`).
        let titleStop = start.punctuationBefore == 0x2E && !start.lineStart && titles.contains(tokens[index - 1].hash)
        if start.sentenceStart && !start.lineStart && !titleStop { return nil }
        if start.punctuationBefore == 0x2E && !titleStop { return nil }
        // Across a line break a sign-off leads to a name, a role ending the line before does not
        // (`... suggested physio.\n\nYours sincerely`).
        if start.lineStart, personNouns.contains(tokens[index - 1].hash) { return nil }
        for (words, weak) in candidates where words.count <= index {
            var matches = true
            for (offset, hash) in words.enumerated() {
                let token = tokens[index - words.count + offset]
                if token.hash != hash || offset > 0 && token.sentenceStart { matches = false; break }
            }
            if matches { return (!weak, words.count) }
        }
        return nil
    }

    /// The cue's words as written, for an explanation.
    private func cueWords(_ text: UnsafeBufferPointer<UInt8>, _ tokens: [NameToken], at index: Int, count: Int) -> String {
        (0..<count).map { word(text, tokens[index - count + $0]) }.joined(separator: " ")
    }

    /// Stands for any lower-case word in a cue (`in the * team`).
    private static let anyWord: UInt64 = 0

    /// Whether a cue follows `index`; `listed`: the word before it is a listed first name or
    /// surname, which workplace cues need.
    private func cueAfter(_ tokens: [NameToken], at index: Int, strong: Bool, listed: Bool = false) -> Bool {
        if strong, isRoleAfter(tokens, at: index, listed: listed) { return true }
        if strong {
            return follows(strongCueAfterHashes, tokens, at: index) || follows(teamCueAfterHashes, tokens, at: index)
                || listed && follows(workplaceCueAfterHashes, tokens, at: index)
        }
        return follows(weakCueAfterHashes, tokens, at: index)
    }

    /// Whether a role follows at `index`, naming the words before it a person: in apposition
    /// (`Iris the podiatrist`, `Lauren-Mae, our paramedic,`), after was or is (`Heather was my
    /// physio`), or a department or team (`Will from radiography`, listed names only).
    private func isRoleAfter(_ tokens: [NameToken], at index: Int, listed: Bool) -> Bool {
        if listed, follows(teamCueAfterHashes, tokens, at: index) { return true }
        guard index + 1 < tokens.count else { return false }
        // In apposition after a comma, a bracket or a dash (`Sue - volunteer driver`).
        let apposition = tokens[index].punctuationBefore == 0x2C || tokens[index].punctuationBefore == 0x28
            || tokens[index].punctuationBefore == 0x2D
        guard !tokens[index].capitalised, !tokens[index + 1].capitalised, tokens[index + 1].joinedToPrevious,
              tokens[index].joinedToPrevious || apposition
        else { return false }
        let (first, second) = (tokens[index].hash, tokens[index + 1].hash)
        // A place before the run is ruled out where the verdict is given: `in Leeds the physio`.
        if personNouns.contains(second), possessives.contains(first) || first == theHash { return true }
        // A role of two words: `Iris, our speech therapist`, and after a comma or dash without
        // `our` (`Sue - volunteer driver`, `Joe, support worker`).
        if listed, index + 2 < tokens.count, tokens[index + 2].joinedToPrevious, !tokens[index + 2].capitalised,
           personNouns.contains(tokens[index + 2].hash), possessives.contains(first) || first == theHash {
            return true
        }
        if listed, apposition, personNouns.contains(second), !stopWords.contains(first) { return true }
        if listed, departmentPrepositions.contains(first), departments.contains(second) { return true }
        // `Lwazi was the best speech therapist we've had`: a person's noun within three words of
        // `my` or `the`.
        if first == wasHash || first == isHash, possessives.contains(second) || second == theHash {
            for next in (index + 2)..<min(tokens.count, index + 5) {
                let token = tokens[next]
                guard !token.capitalised, token.joinedToPrevious else { break }
                if personNouns.contains(token.hash) { return true }
            }
        }
        return false
    }

    /// Whether one of `cues` (lower-case words; `*` any) starts at `index`, after a space, comma or bracket.
    private func follows(_ cues: [[UInt64]], _ tokens: [NameToken], at index: Int) -> Bool {
        for words in cues where index + words.count <= tokens.count {
            var matches = true
            for (offset, hash) in words.enumerated() {
                let token = tokens[index + offset]
                // A capital letter alone is the word `a` in a message in capitals (`AMBER IS A STAR`).
                let capitalised = token.capitalised && !(token.initial && token.range.count == 1)
                if hash != Self.anyWord && token.hash != hash || capitalised || offset > 0 && token.sentenceStart {
                    matches = false
                    break
                }
                if offset == 0 && !(token.joinedToPrevious || token.punctuationBefore == 0x2C || token.punctuationBefore == 0x28) {
                    matches = false
                    break
                }
            }
            if matches { return true }
        }
        return false
    }

    /// True when the words before `index` are a role and `was`/`is` (`my physio was`) or a
    /// greeting or thanks (`Thanks`, `Hi`).
    private func isNamedByRoleOrGreeting(_ tokens: [NameToken], at index: Int) -> Bool {
        guard index >= 1 else { return false }
        let previous = tokens[index - 1].hash
        if greetings.contains(previous) { return true }
        return index >= 2 && (previous == wasHash || previous == isHash) && personNouns.contains(tokens[index - 2].hash)
    }

    /// True when a comma, full stop, exclamation or question mark, or the text's end, follows
    /// `token` (spaces aside).
    private func isClauseEnd(_ text: UnsafeBufferPointer<UInt8>, after token: NameToken) -> Bool {
        var index = token.range.upperBound
        while index < text.count, text[index] == 0x20 { index += 1 }
        guard index < text.count else { return true }
        let byte = text[index]
        return byte == 0x2C || byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x0A
    }

    /// Only spaces and `.`, `!`, `,`, `x` kisses, smileys or emoji after `token`
    /// (`Thanks Gav 👍`, `Love, Bev xx :)`): emoji and symbols are the supplementary planes
    /// (a 4-byte sequence), U+2000–U+2FFF (0xE2: punctuation, arrows, dingbats) and the variation
    /// selectors (EF B8 8x).
    private func isAtEnd(_ text: UnsafeBufferPointer<UInt8>, after token: NameToken) -> Bool {
        var index = token.range.upperBound
        while index < text.count {
            let byte = text[index]
            switch byte {
            case 0x20, 0x0A, 0x0D, 0x09, 0x2E, 0x21, 0x2C, 0x29, 0x28, 0x3A, 0x3B, 0x2D, 0x7E, 0x2A:
                // Spaces, . ! , and what smileys are made of: ) ( : ; - ~ *
                index += 1
            case 0x3C where index + 1 < text.count && text[index + 1] == 0x33:
                index += 2  // <3
            case 0x78, 0x58:
                // Kisses: a word of up to five x's.
                var end = index
                while end < text.count, text[end] | 0x20 == 0x78, end - index < 5 { end += 1 }
                guard index == 0 || !Self.isLetter(text[index - 1]), end == text.count || !Self.isLetter(text[end]) else { return false }
                index = end
            case 0xF0...0xF4:
                index += 4
            case 0xE2:
                index += 3
            case 0xEF where index + 2 < text.count && text[index + 1] == 0xB8:
                index += 3
            default:
                return false
            }
        }
        return true
    }

    @inline(__always) private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || byte >= 0x80 }
}

