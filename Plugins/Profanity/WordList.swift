import GatehouseCore

/// How bad a listed word is. The pack maps each severity to an action through its rules.
enum Severity: String, Sendable, CaseIterable, Comparable {
    case mild, strong, slur

    private var rank: Int {
        switch self {
        case .mild: return 0
        case .strong: return 1
        case .slur: return 2
        }
    }

    static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A word in its matching shape: letters with repeated runs collapsed, and the run lengths.
/// `fuuuck` and `fuck` share letters `fuck`; their runs differ (1,3,1,1 against 1,1,1,1).
struct Shape: Hashable, Sendable {
    var letters: [UInt8] = []
    var runs: [UInt8] = []

    init() {}

    init(_ word: some Sequence<UInt8>) {
        for letter in word { append(letter) }
    }

    mutating func append(_ letter: UInt8) {
        if letter == letters.last {
            runs[runs.count - 1] &+= 1
        } else {
            letters.append(letter)
            runs.append(1)
        }
    }

    mutating func removeAll() {
        letters.removeAll(keepingCapacity: true)
        runs.removeAll(keepingCapacity: true)
    }

    /// FNV-1a over the collapsed letters.
    static func hash(_ letters: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for letter in letters { hash = (hash ^ UInt64(letter)) &* 0x100_0000_01b3 }
        return hash
    }

    /// True when a token's run of `token` letters can stand for a listed run of `listed`:
    /// the same length, or stretched to 3 or more (`fuuuck`). `assess` is not `asses`.
    @inline(__always)
    static func runMatches(token: UInt8, listed: UInt8) -> Bool {
        token == listed || (token >= 3 && token > listed)
    }
}

/// One listed form: a word, an inflection of one, or a root matched inside compounds.
struct WordForm: Sendable {
    let word: [UInt8]
    let shape: Shape
    let rule: Int
    let severity: Severity
    let compound: Bool
}

/// A token being matched: collapsed letters and run lengths in scratch buffers.
struct TokenShape {
    var letters: UnsafeMutablePointer<UInt8>
    var runs: UnsafeMutablePointer<UInt8>
    var count: Int
    var hash: UInt64
}

/// Every listed form of every rule, indexed for matching one token at a time.
struct WordList: Sendable {
    private(set) var forms: [WordForm] = []
    private var byHash: [UInt64: [Int]] = [:]
    private var byLength: [Int: [Int]] = [:]
    private(set) var compoundForms: [Int] = []
    /// One bit per `hash % filterBits` of every listed shape: most words are turned away here,
    /// without a dictionary lookup. 32,768 bits (4 KB, in L1): with about 900 listed shapes one
    /// plain word in 36 gets past it; 4,096 bits let one in five past.
    private var filter = [UInt64](repeating: 0, count: WordList.filterBits / 64)
    static let filterBits = 32_768
    /// For each pair of letters, whether a compound root starts with it.
    private var compoundStarts = [Bool](repeating: false, count: 32 * 32)

    @inline(__always)
    static func bigram(_ first: UInt8, _ second: UInt8) -> Int { Int(first & 31) << 5 | Int(second & 31) }

    @inline(__always)
    static func mayContain(_ hash: UInt64, filter: UnsafeBufferPointer<UInt64>) -> Bool {
        filter[Int(hash % UInt64(filterBits)) / 64] & (1 << (hash % 64)) != 0
    }

    /// Runs `body` with the hash filter and the compound bigram table.
    func withFilters<R>(_ body: (UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<Bool>) -> R) -> R {
        filter.withUnsafeBufferPointer { filter in
            compoundStarts.withUnsafeBufferPointer { starts in body(filter, starts) }
        }
    }

    mutating func add(_ word: String, rule: Int, severity: Severity, compound: Bool) {
        let letters = Array(word.lowercased().utf8)
        let form = WordForm(word: letters, shape: Shape(letters), rule: rule, severity: severity, compound: compound)
        let index = forms.count
        forms.append(form)
        let hash = Shape.hash(form.shape.letters[...])
        byHash[hash, default: []].append(index)
        filter[Int(hash % UInt64(Self.filterBits)) / 64] |= 1 << (hash % 64)
        byLength[letters.count, default: []].append(index)
        if compound {
            compoundForms.append(index)
            let letters = form.shape.letters
            if letters.count >= 2 { compoundStarts[Self.bigram(letters[0], letters[1])] = true }
        }
    }

    /// Forms that another rule's form of the same shape always beats (the severer, or the one
    /// added first on a tie, as `exactMatch` and `compoundMatch` choose): (loser, winner), in
    /// the losers' order.
    func shadowedForms() -> [(loser: Int, winner: Int)] {
        var shadowed: [(loser: Int, winner: Int)] = []
        for (index, form) in forms.enumerated() {
            let rivals = byHash[Shape.hash(form.shape.letters[...])] ?? []
            let winner = rivals.filter { forms[$0].shape == form.shape && forms[$0].compound == form.compound }
                .reduce(nil as Int?) { best, candidate in
                    best.map { forms[$0].severity < forms[candidate].severity } ?? true ? candidate : best
                }
            if let winner, forms[winner].rule != form.rule { shadowed.append((index, winner)) }
        }
        return shadowed
    }

    /// The most severe form that the whole token stands for, by shape.
    func exactMatch(_ token: TokenShape) -> Int? {
        guard let candidates = byHash[token.hash] else { return nil }
        var best: Int?
        for index in candidates {
            let form = forms[index]
            guard form.shape.letters.count == token.count else { continue }
            var same = true
            for position in 0..<token.count
            where form.shape.letters[position] != token.letters[position]
                || !Shape.runMatches(token: token.runs[position], listed: form.shape.runs[position]) {
                same = false
                break
            }
            if same, best.map({ forms[$0].severity < form.severity }) ?? true { best = index }
        }
        return best
    }

    /// The most severe compound root found inside the token.
    func compoundMatch(_ token: TokenShape) -> Int? {
        // Read the forms in place: copying a form's shape would retain its arrays for every word.
        forms.withUnsafeBufferPointer { forms in
            var best: Int?
            for index in compoundForms {
                let found: Bool = forms[index].shape.letters.withUnsafeBufferPointer { letters in
                    forms[index].shape.runs.withUnsafeBufferPointer { runs in
                        let count = letters.count
                        guard token.count > count else { return false }
                        let first = letters[0]
                        var start = 0
                        search: while start + count <= token.count {
                            defer { start += 1 }
                            guard token.letters[start] == first else { continue }
                            for offset in 0..<count {
                                guard token.letters[start + offset] == letters[offset] else { continue search }
                                let tokenRun = token.runs[start + offset]
                                let listed = runs[offset]
                                let edge = offset == 0 || offset == count - 1
                                guard edge ? tokenRun >= listed : Shape.runMatches(token: tokenRun, listed: listed) else { continue search }
                            }
                            return true
                        }
                        return false
                    }
                }
                if found, best.map({ forms[$0].severity < forms[index].severity }) ?? true { best = index }
            }
            return best
        }
    }

    /// The most severe form that a masked token (`f*ck`, `sh**`, `c*nts`) can stand for:
    /// a listed form of the same length, or a compound root at its start, with every unmasked
    /// letter equal.
    func maskedMatch(_ token: UnsafeBufferPointer<UInt8>, mask: UInt8) -> Int? {
        var best: Int?
        func consider(_ index: Int, length: Int) {
            let form = forms[index]
            for position in 0..<length where token[position] != mask && token[position] != form.word[position] {
                return
            }
            if best.map({ forms[$0].severity < form.severity }) ?? true { best = index }
        }
        for index in byLength[token.count] ?? [] { consider(index, length: token.count) }
        for index in compoundForms where forms[index].word.count < token.count {
            consider(index, length: forms[index].word.count)
        }
        return best
    }
}
