import Foundation

/// ANSI colours for output read by a person: on when standard output is a terminal (and
/// neither `NO_COLOR` is set nor `TERM` is `dumb`), off when piped, or as `--color` says.
struct Palette: Sendable {
    enum Choice: String, CaseIterable, Sendable {
        case auto, always, never
    }

    let enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled
    }

    init(_ choice: Choice, environment: [String: String] = ProcessInfo.processInfo.environment) {
        switch choice {
        case .always: enabled = true
        case .never: enabled = false
        case .auto:
            enabled = isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"].map(\.isEmpty) != false && environment["TERM"] != "dumb"
        }
    }

    static let plain = Palette(enabled: false)

    func bold(_ text: String) -> String { paint(text, "1") }
    func dim(_ text: String) -> String { paint(text, "2") }
    func red(_ text: String) -> String { paint(text, "31") }
    func green(_ text: String) -> String { paint(text, "32") }
    func yellow(_ text: String) -> String { paint(text, "33") }
    func cyan(_ text: String) -> String { paint(text, "36") }

    private func paint(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
