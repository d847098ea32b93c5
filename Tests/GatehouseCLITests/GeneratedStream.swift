import Foundation

/// A seeded stream of contributions for property tests: what people write in a listening
/// exercise, with personal values in their usual forms, swearing plain and disguised, words
/// that only look rude, and the repeats a stream carries (a contributor's own repeat, another's
/// copy, an edited copy, a campaign template with a personal line, a flood).
///
/// Not an accuracy set (those are the generators under scripts/eval): here every line only
/// has to be plausible and varied, so that a property is tried on many kinds of text.
struct GeneratedStream {
    struct Item {
        var id: String
        var text: String
        var contributor: String?
        var conversation: String
        var receivedAt: Date

        /// As a line of `gatehouse scan` input.
        var jsonLine: String { jsonLine(withTime: true) }

        /// As a line of `gatehouse scan` input, without its `receivedAt` unless `withTime`.
        func jsonLine(withTime: Bool) -> String {
            var object: [String: Any] = ["id": id, "text": text, "conversation": conversation]
            if withTime { object["receivedAt"] = ISO8601DateFormatter().string(from: receivedAt) }
            if let contributor { object["contributor"] = contributor }
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
    }

    private var random: SplitMix64
    private(set) var items: [Item] = []
    private var clock = Date(timeIntervalSince1970: 1_790_000_000)

    init(seed: UInt64, count: Int) {
        random = SplitMix64(seed: seed)
        while items.count < count { step() }
        items.removeLast(items.count - count)
    }

    private mutating func pick<T>(_ options: [T]) -> T { options[Int(random.next() % UInt64(options.count))] }
    private mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    private mutating func append(_ text: String, contributor: String?) {
        clock = clock.addingTimeInterval(Double(random.next() % 900))
        items.append(
            Item(id: "g\(items.count)", text: text, contributor: contributor, conversation: pick(["aph-2026", "physio", "podiatry"]),
                 receivedAt: clock))
    }

    private mutating func step() {
        let contributor = chance(85) ? "c\(random.next() % 400)" : nil
        switch random.next() % 100 {
        case 0..<8 where !items.isEmpty:  // the same contributor sends it again
            let earlier = pick(items)
            append(earlier.text, contributor: earlier.contributor)
        case 8..<14 where !items.isEmpty:  // someone else copies it
            append(pick(items).text, contributor: contributor)
        case 14..<20 where !items.isEmpty:  // a copy with a word changed
            var words = pick(items).text.split(separator: " ").map(String.init)
            words[Int(random.next() % UInt64(words.count))] = pick(["really", "very", "so", "quite"])
            append(words.joined(separator: " "), contributor: contributor)
        case 20..<26:  // a campaign: the template, a personal line under it for some
            let template = "We the undersigned call on the health board to restore the \(pick(Self.services)) service in \(pick(Self.places)) and to end the waiting lists now."
            append(chance(50) ? template : template + " " + sentence(), contributor: contributor)
        case 26..<29:  // a flood from one contributor
            for _ in 0..<5 { append(sentence(), contributor: "flooder") }
        default:
            let sentences = (0...(random.next() % 4)).map { _ in sentence() }
            append(sentences.joined(separator: " "), contributor: contributor)
        }
    }

    private mutating func sentence() -> String {
        switch random.next() % 10 {
        case 0: return "You can reach me on \(phone()) if you want to know more."
        case 1: return "My \(pick(Self.relatives)) \(pick(Self.names)) saw the \(pick(Self.professionals)) at \(pick(Self.places)) last \(pick(Self.days))."
        case 2: return "Write to me at \(email()) or \(pick(Self.postcodes))."
        case 3: return "Her NHS number is \(nhsNumber()) and she was born on \(random.next() % 28 + 1)/\(random.next() % 12 + 1)/19\(random.next() % 50 + 40)."
        case 4: return "The wait was \(pick(Self.swearing)) \(pick(["awful", "long", "ridiculous"])), \(random.next() % 40 + 2) weeks for a first appointment."
        case 5: return pick(Self.traps)
        default:
            return "The \(pick(Self.professionals)) in \(pick(Self.places)) was \(pick(["kind", "patient", "rushed", "brilliant", "late"])) and the \(pick(Self.services)) \(pick(["helped a lot", "made no difference", "was hard to get"]))."
        }
    }

    private mutating func phone() -> String {
        let number = String(format: "%06d", Int(random.next() % 1_000_000))
        return pick([
            "07700 \(number)", "+44 7700 \(number.prefix(3)) \(number.suffix(3))", "(0113) 496 \(number.suffix(4))",
            "07700\(number)", "0161 496 \(number.suffix(4))",
        ])
    }

    private mutating func email() -> String {
        "\(pick(Self.names).split(separator: " ").first!.lowercased()).\(random.next() % 100)@\(pick(["example.com", "mail.co.uk", "outlook.example"]))"
    }

    /// A ten-digit number that passes the NHS modulus 11 check, spaced 3-3-4.
    private mutating func nhsNumber() -> String {
        while true {
            let digits = (0..<9).map { _ in Int(random.next() % 10) }
            let sum = digits.enumerated().reduce(0) { $0 + $1.element * (10 - $1.offset) }
            let check = 11 - sum % 11
            guard check != 10 else { continue }
            let all = digits + [check == 11 ? 0 : check]
            let text = all.map(String.init).joined()
            return "\(text.prefix(3)) \(text.dropFirst(3).prefix(3)) \(text.suffix(4))"
        }
    }

    static let names = [
        "Oluwaseun Adeyemi", "Siobhán Ní Bhriain", "Priya Patel", "Wojciech Kowalski", "Mohammed Al-Farsi", "Chen Wei",
        "Aoife O'Connor", "Dylan Price", "Fatima Begum", "Tomasz Nowak", "Grace Mensah", "Rhys ap Gwilym", "Ana-Maria Popescu",
        "Jean-Luc Martin", "Kwame Asante", "Eilidh MacLeod",
    ]
    static let relatives = ["mum", "dad", "son", "daughter", "husband", "wife", "nan", "partner", "brother"]
    static let professionals = ["physio", "physiotherapist", "podiatrist", "radiographer", "paramedic", "speech and language therapist", "dietitian", "orthoptist"]
    static let services = ["physiotherapy", "podiatry", "speech therapy", "X-ray", "hydrotherapy", "hearing aid"]
    static let places = ["Scunthorpe", "Penistone", "Leeds", "Cardiff", "Ynys Môn", "Middlesbrough", "Clitheroe", "Lightwater", "Bristol"]
    static let postcodes = ["LS1 4AP", "SW1A 1AA", "CF10 1EP", "M1 1AE", "EH1 1YZ", "BT1 5GS"]
    static let days = ["Monday", "week", "month", "spring", "Tuesday"]
    static let swearing = ["bloody", "f*cking", "sh1tty", "damn", "bl00dy", "fricking", "b.l.o.o.d.y"]
    static let traps = [
        "The analysis of my gait showed a problem with my hip.",
        "The cocktail of painkillers did nothing, the physio did.",
        "She had a bone scan and an assessment of her cervical spine.",
        "Dick Whittington was the panto we went to after the appointment.",
        "Therapist said the shiitake mushrooms were not the cause.",
        "They checked my titanium plate and the assessment took an hour.",
        "I had a Sussex Pharmacy prescription for a stool softener.",
    ]
}

/// SplitMix64: a small seeded generator, the same numbers on every platform.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
