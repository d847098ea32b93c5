import GatehouseCore

/// What a `redact` profanity rule puts in place of the word.
struct Censor: Sendable, Equatable {
    enum Style: String, Sendable, CaseIterable {
        /// `@#$%&!` cycled to the original length.
        case grawlix
        /// `*` repeated to the original length.
        case asterisks
        /// A fixed token such as `[removed]`.
        case token
    }

    var style: Style = .grawlix
    var token = "[removed]"

    /// The replacement for a surface form of `length` characters.
    func replacement(length: Int) -> String {
        switch style {
        case .grawlix:
            let symbols = Array("@#$%&!")
            return String((0..<max(1, length)).map { symbols[$0 % symbols.count] })
        case .asterisks:
            return String(repeating: "*", count: max(1, length))
        case .token:
            return token
        }
    }

    /// Reads `censor` and `censor_token` from a pack's settings.
    init(settings: RuleFields) throws {
        try settings.rejectUnknownKeys(allowed: ["censor", "censor_token"])
        style = try settings.choice("censor", default: Style.grawlix)
        token = try settings.optionalString("censor_token") ?? token
    }

    init() {}
}
