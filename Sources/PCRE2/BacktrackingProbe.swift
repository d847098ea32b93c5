import Dispatch

/// Probes a pattern for catastrophic or super-linear backtracking before it ships, as
/// `gatehouse rules lint` does for every PII rule.
///
/// The inputs are made from the pattern itself: long runs of each character its classes and
/// escapes accept, runs alternating two of them (the shape that makes `([a-z0-9]+[ .-]?)+@`
/// explode), each ended by a character that fails, so that every start position is tried and
/// the engine backtracks as far as it can; and the pattern's own test texts cut short. Each
/// runs over the whole input the way the plugin scans a text (every match, from every start),
/// under the pattern's match limit. A pattern is **catastrophic** when an input hits the limit,
/// and **slow** when an input costs more than the budget per kilobyte or its time grows much
/// faster than its length (8 KB costing more than 20 times 1 KB).
public struct BacktrackingProbe: Sendable {
    /// The time budget per kilobyte of input, in seconds.
    public var secondsPerKilobyte: Double
    /// The longest input tried, in bytes.
    public var length: Int

    public init(secondsPerKilobyte: Double = 0.002, length: Int = 8_192) {
        self.secondsPerKilobyte = secondsPerKilobyte
        self.length = length
    }

    /// What the probe found for one pattern.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            case catastrophic, slow
        }

        public var kind: Kind
        /// The input that showed it, described (`8,192 × "a" then "!"`).
        public var input: String
        /// Seconds per kilobyte on that input (for a catastrophic one, until the limit stopped it).
        public var secondsPerKilobyte: Double

        public var description: String {
            switch kind {
            case .catastrophic:
                return "prone to catastrophic backtracking: \(input) hits the match limit"
            case .slow:
                let tenths = Int((secondsPerKilobyte * 10_000).rounded())
                return "slow on \(input): \(tenths / 10).\(tenths % 10) ms per KB"
            }
        }
    }

    /// The worst problem `regex` (compiled from `pattern`) shows, or nil when it passes.
    /// `samples` are texts the pattern should match (a rule's test cases); cut short, they make
    /// near misses.
    public func probe(_ regex: CompiledRegex, pattern: String, samples: [String] = []) -> Finding? {
        var worst: Finding?
        for input in Self.inputs(for: pattern, samples: samples, length: length) {
            // Once a pattern is known to be slow, only the short run is tried (for a worse finding).
            let finding = measure(regex, input, shortOnly: worst != nil)
            if let finding, worst == nil || finding.kind == .catastrophic && worst!.kind != .catastrophic
                || (finding.kind == worst!.kind && finding.secondsPerKilobyte > worst!.secondsPerKilobyte)
            {
                worst = finding
            }
            if worst?.kind == .catastrophic { break }
        }
        return worst
    }

    private struct Input {
        var unit: [Unicode.Scalar]
        var end: String
        var prefix: String = ""
        var described: String

        func text(length: Int) -> String {
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: prefix.unicodeScalars)
            var written = 0
            while written < length {
                for scalar in unit {
                    scalars.append(scalar)
                    written += String(scalar).utf8.count
                }
            }
            scalars.append(contentsOf: end.unicodeScalars)
            return String(scalars)
        }
    }

    private func measure(_ regex: CompiledRegex, _ input: Input, shortOnly: Bool) -> Finding? {
        func run(_ length: Int) -> (seconds: Double, hitLimit: Bool) {
            let text = input.text(length: length)
            let start = DispatchTime.now().uptimeNanoseconds
            var hitLimit = false
            do {
                _ = try regex.allRanges(in: text)
            } catch {
                hitLimit = error.isResourceLimit
            }
            return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, hitLimit)
        }
        let short = run(1_024)
        if short.hitLimit {
            return Finding(kind: .catastrophic, input: describe(input, 1_024), secondsPerKilobyte: short.seconds)
        }
        if shortOnly { return nil }
        let long = run(length)
        let perKilobyte = long.seconds / (Double(length) / 1_024)
        if long.hitLimit {
            return Finding(kind: .catastrophic, input: describe(input, length), secondsPerKilobyte: perKilobyte)
        }
        let growth = long.seconds / max(short.seconds, 1e-6)
        if perKilobyte > secondsPerKilobyte || (growth > Double(length) / 1_024 * 2.5 && long.seconds > 0.01) {
            return Finding(kind: .slow, input: describe(input, length), secondsPerKilobyte: perKilobyte)
        }
        return nil
    }

    private func describe(_ input: Input, _ length: Int) -> String {
        let prefix = input.prefix.isEmpty ? "" : "\(input.prefix.debugDescription) then "
        return "\(prefix)\(length) bytes of \(input.described) then \(input.end.debugDescription)"
    }

    /// The probe's inputs for `pattern`.
    private static func inputs(for pattern: String, samples: [String], length: Int) -> [Input] {
        let alphabet = PatternAlphabet(pattern)
        // Characters that end a run: ones the pattern is least likely to accept next.
        let enders = ["!", "\u{1}", " ", "\n"].filter { !alphabet.literals.contains($0.unicodeScalars.first!) }
        // PCRE2 gives up at once when a character every match needs is missing from the rest
        // of the subject, so the pattern's literals follow the failing character: the engine
        // has to try every way of splitting the run before it finds that they are out of reach.
        let required = String(String.UnicodeScalarView(alphabet.literals.sorted { $0.value < $1.value }.prefix(8)))
        let first = enders.first ?? "!"
        var inputs: [Input] = []
        let singles = alphabet.samples
        for scalar in singles {
            for end in [first + required, first, enders.dropFirst().first ?? first] {
                inputs.append(Input(unit: [scalar], end: end, described: String(scalar).debugDescription))
            }
        }
        for one in singles {
            for two in singles where two != one {
                inputs.append(Input(unit: [one, two], end: first + required, described: (String(one) + String(two)).debugDescription))
            }
        }
        // Near misses: each sample cut short, then a run of the character it ended on.
        for sample in samples.prefix(4) {
            let scalars = Array(sample.unicodeScalars)
            guard scalars.count >= 2, let last = scalars.dropLast().last else { continue }
            inputs.append(
                Input(unit: [last], end: first + required, prefix: String(String.UnicodeScalarView(scalars.dropLast())),
                      described: String(last).debugDescription))
        }
        return inputs
    }
}

/// The characters a pattern's classes, escapes and literals accept, read from its text without
/// a full parse: enough to build inputs that keep its quantifiers busy.
struct PatternAlphabet {
    /// One or a few characters from each class and escape.
    var samples: [Unicode.Scalar] = []
    /// Literal characters outside classes.
    var literals: Set<Unicode.Scalar> = []

    init(_ pattern: String) {
        let scalars = Array(pattern.unicodeScalars)
        var seen = Set<Unicode.Scalar>()
        func add(_ candidates: [Unicode.Scalar]) {
            for scalar in candidates where seen.insert(scalar).inserted { samples.append(scalar) }
        }
        func escapeSamples(_ letter: Unicode.Scalar) -> [Unicode.Scalar] {
            switch letter {
            case "d": return ["1"]
            case "w": return ["a", "1", "_"]
            case "s": return [" "]
            case "D", "W", "S": return ["!"]
            default: return [letter]
            }
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                guard index + 1 < scalars.count else { index += 1; continue }
                let next = scalars[index + 1]
                if "pPxbBAzZGQEkg".unicodeScalars.contains(next) {
                    index += 2
                    continue
                }
                add(escapeSamples(next))
                if !"dwsDWS".unicodeScalars.contains(next) { literals.insert(next) }
                index += 2
            case "[":
                var members: [Unicode.Scalar] = []
                var position = index + 1
                // A negated class accepts almost anything: a letter stands for it.
                let negatedOnly = position < scalars.count && scalars[position] == "^"
                if negatedOnly {
                    members.append("a")
                    position += 1
                }
                while position < scalars.count, scalars[position] != "]" || position == index + 1 {
                    let member = scalars[position]
                    if member == "\\", position + 1 < scalars.count {
                        if !negatedOnly { members.append(contentsOf: escapeSamples(scalars[position + 1])) }
                        position += 2
                        continue
                    }
                    if position + 2 < scalars.count, scalars[position + 1] == "-", scalars[position + 2] != "]" {
                        let low = member.value
                        let high = scalars[position + 2].value
                        if !negatedOnly, low <= high, let first = Unicode.Scalar(low), let last = Unicode.Scalar(high) {
                            members.append(first)
                            if let middle = Unicode.Scalar(low + (high - low) / 2) { members.append(middle) }
                            members.append(last)
                        }
                        position += 3
                        continue
                    }
                    if !negatedOnly { members.append(member) }
                    position += 1
                }
                add(members)
                index = position + 1
            case "(":
                // Group syntax: (?:, (?<name>, (?=, (?!, (?<=, (?<!
                if index + 1 < scalars.count, scalars[index + 1] == "?" {
                    var position = index + 2
                    if position < scalars.count, scalars[position] == "<" || scalars[position] == "P" || scalars[position] == "'" {
                        while position < scalars.count, scalars[position] != ">", scalars[position] != "'" , scalars[position] != "=", scalars[position] != "!" { position += 1 }
                    }
                    index = position + 1
                } else {
                    index += 1
                }
            case ".":
                add(["a"])
                index += 1
            case ")", "|", "*", "+", "?", "^", "$":
                index += 1
            case "{":
                while index < scalars.count, scalars[index] != "}" { index += 1 }
                index += 1
            default:
                add([scalar])
                literals.insert(scalar)
                index += 1
            }
        }
        // Keep the probe quick: a dozen characters at most.
        samples = Array(samples.prefix(12))
    }
}
