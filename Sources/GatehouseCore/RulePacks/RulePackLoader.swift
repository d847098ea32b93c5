import Foundation
import Yams

/// Reads rule packs from YAML files and directories, refusing a bad one with the file, line,
/// rule id and key in the error.
public enum RulePackLoader {
    /// Every pack under `paths`: a file is read as a pack; a directory is searched recursively
    /// for `*.yaml` and `*.yml`, in sorted order.
    public static func load(paths: [String]) throws -> [RulePack] {
        try packFiles(in: paths).map { try load(file: $0) }
    }

    /// The pack files under `paths`, sorted within each directory.
    public static func packFiles(in paths: [String]) throws -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw RulePackError(file: path, message: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let enumerator = manager.enumerator(atPath: path) else {
                throw RulePackError(file: path, message: "cannot read directory")
            }
            var found: [String] = []
            for case let relative as String in enumerator where relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") {
                found.append((path as NSString).appendingPathComponent(relative))
            }
            files.append(contentsOf: found.sorted())
        }
        return files
    }

    /// Reads one pack file.
    public static func load(file: String) throws -> RulePack {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw RulePackError(file: file, message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: file)
    }

    /// Parses the YAML text of one pack; `file` names it in errors.
    public static func parse(_ yaml: String, file: String) throws -> RulePack {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw RulePackError(file: file, message: "the file is empty")
            }
            root = node
        } catch let error as RulePackError {
            throw error
        } catch let error as YamlError {
            throw RulePackError(file: file, line: yamlErrorLine(error), message: "invalid YAML: \(error)")
        } catch {
            throw RulePackError(file: file, message: "invalid YAML: \(error)")
        }
        let top = try fields(of: convert(root), file: file, rule: nil, what: "the top level of a rule pack")
        try top.rejectUnknownKeys(allowed: ["plugin", "description", "mode", "settings", "rules", "tests"])
        let plugin = try top.string("plugin")
        // A pack's mode is its rules' default: `mode: shadow` tries a whole new pack on live traffic.
        let packMode = try top.choice("mode", default: RuleMode.enforce)
        let description = try top.optionalString("description") ?? ""
        let settings = try top.fields("settings") ?? RuleFields(file: file, entries: [:])

        guard let rulesValue = top.value("rules") else { throw top.error("rules", "is required") }
        guard case .list(let items) = rulesValue.kind else {
            throw top.error("rules", "expected a list of rules, found \(rulesValue.kindName)")
        }
        var seen: [String: Int?] = [:]
        var rules: [RuleDefinition] = []
        for item in items {
            let rule = try parseRule(item, file: file, mode: packMode)
            if let previous = seen[rule.id] {
                throw RulePackError(
                    file: file, line: rule.line, rule: rule.id, key: "id",
                    message: "duplicate rule id (first at line \(previous.map(String.init) ?? "?"))")
            }
            seen[rule.id] = rule.line
            rules.append(rule)
        }
        return RulePack(
            file: file, plugin: plugin, description: description, settings: settings, rules: rules,
            tests: try parseTests(top))
    }

    private static func parseRule(_ value: RuleValue, file: String, mode packMode: RuleMode) throws -> RuleDefinition {
        let anonymous = try fields(of: value, file: file, rule: nil, what: "a rule")
        let id = try anonymous.string("id")
        guard id.range(of: "^[A-Za-z0-9][A-Za-z0-9_.-]*$", options: .regularExpression) != nil else {
            throw anonymous.error("id", "must be letters, digits, '.', '_' or '-', found '\(id)'")
        }
        let rule = RuleFields(file: file, rule: id, line: value.line, entries: try entries(of: value))
        let description = try rule.string("description")
        let category = try rule.string("category")
        let action = try rule.choice("action", default: Action.redact)
        let mode = try rule.choice("mode", default: packMode)
        let tests = try parseTests(rule)
        return RuleDefinition(
            id: id, description: description, category: category, action: action, mode: mode,
            fields: rule, tests: tests, line: value.line)
    }

    private static func parseTests(_ rule: RuleFields) throws -> RuleTests {
        guard let tests = try rule.fields("tests") else { return RuleTests() }
        try tests.rejectUnknownKeys(allowed: ["match", "no_match"])
        return RuleTests(
            matches: try cases(tests, "match"),
            nonMatches: try cases(tests, "no_match"))
    }

    private static func cases(_ tests: RuleFields, _ key: String) throws -> [RuleTestCase] {
        guard let value = tests.value(key) else { return [] }
        guard case .list(let items) = value.kind else {
            throw tests.error(key, "expected a list of test cases, found \(value.kindName)")
        }
        return try items.map { item in
            switch item.kind {
            case .scalar(let text):
                return RuleTestCase(text: text, line: item.line)
            case .map(let entries):
                let fields = RuleFields(file: tests.file, rule: tests.rule, line: item.line, entries: entries)
                try fields.rejectUnknownKeys(allowed: ["text", "output", "decision", "contributor", "conversation", "before"])
                return RuleTestCase(
                    text: try fields.string("text"), output: try fields.optionalString("output"),
                    decision: try fields.optionalString("decision").map { _ in try fields.choice("decision", default: Decision.accepted) },
                    line: item.line, contributor: try fields.optionalString("contributor") ?? "alice",
                    conversation: try fields.optionalString("conversation"), before: try history(fields))
            case .list:
                throw tests.error(key, "a test case is a string or a mapping with 'text', found a list")
            }
        }
    }

    /// A case's `before:` list: strings (same contributor, a minute apart) or mappings with
    /// `text`, `contributor`, `conversation` and `seconds_before`.
    private static func history(_ fields: RuleFields) throws -> [RuleTestHistory] {
        guard let value = fields.value("before") else { return [] }
        guard case .list(let items) = value.kind else {
            throw fields.error("before", "expected a list of earlier submissions, found \(value.kindName)")
        }
        return try items.enumerated().flatMap { index, item in
            let defaultSeconds = Double(60 * (items.count - index))
            switch item.kind {
            case .scalar(let text):
                return [RuleTestHistory(text: text, secondsBefore: defaultSeconds)]
            case .map(let entries):
                let entry = RuleFields(file: fields.file, rule: fields.rule, line: item.line, entries: entries)
                try entry.rejectUnknownKeys(allowed: ["text", "contributor", "conversation", "seconds_before", "repeat"])
                let earlier = RuleTestHistory(
                    text: try entry.string("text"), contributor: try entry.optionalString("contributor") ?? "alice",
                    conversation: try entry.optionalString("conversation"),
                    secondsBefore: try entry.double("seconds_before", default: defaultSeconds, in: 0...1e9))
                // `repeat: N` stands for N such submissions (a flood), with numbered contributors
                // unless one is given.
                let copies = try entry.int("repeat", default: 1, in: 1...10_000)
                guard copies > 1 else { return [earlier] }
                return (1...copies).map { number in
                    var copy = earlier
                    if !entry.contains("contributor") { copy.contributor = "contributor-\(number)" }
                    return copy
                }
            case .list:
                throw fields.error("before", "an earlier submission is a string or a mapping with 'text'")
            }
        }
    }

    private static func fields(of value: RuleValue, file: String, rule: String?, what: String) throws -> RuleFields {
        RuleFields(file: file, rule: rule, line: value.line, entries: try entries(of: value, what: what, file: file))
    }

    private static func entries(of value: RuleValue, what: String = "a rule", file: String = "") throws -> [String: RuleValue] {
        guard case .map(let entries) = value.kind else {
            throw RulePackError(file: file, line: value.line, message: "\(what) must be a mapping, found \(value.kindName)")
        }
        return entries
    }

    /// Converts a Yams node into a `RuleValue`, keeping lines.
    static func convert(_ node: Node) -> RuleValue {
        let line = node.mark?.line
        switch node {
        case .scalar(let scalar):
            return RuleValue(.scalar(scalar.string), line: line)
        case .sequence(let sequence):
            return RuleValue(.list(sequence.map(convert)), line: line)
        case .mapping(let mapping):
            var entries: [String: RuleValue] = [:]
            for (key, value) in mapping {
                entries[key.string ?? "\(key)"] = convert(value)
            }
            return RuleValue(.map(entries), line: line)
        case .alias:
            return RuleValue(.scalar(""), line: line)
        }
    }

    private static func yamlErrorLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}
