import GatehouseCore

extension ReplayReport {
    /// The report for people (a pull request comment, a CI summary). Text from the corpus is
    /// escaped so that it shows as written and cannot become markup.
    public func markdown() -> String {
        var out = "# Rule replay\n\n"
        out += "Baseline rules `\(baselineVersion.prefix(RuleSetVersion.displayLength))` → candidate "
            + "`\(candidateVersion.prefix(RuleSetVersion.displayLength))`: \(items) items from \(lines) lines"
            + (errorCount > 0 ? ", \(errorCount) lines not read" : "") + ".\n\n"
        out += "- decisions changed: \(Self.items(changedItems))\n"
        out += "- new holds: \(newHolds), new rejects: \(newRejects)\n"
        out += "- redactions lost: \(lostRedactions), gained: \(gainedRedactions)\n\n"

        out += "## Decisions\n\n"
        if changes.isEmpty {
            out += "No decision changes.\n\n"
        } else {
            out += "| baseline → candidate | items |\n|---|---:|\n"
            for (transition, count) in changes { out += "| \(transition.key) | \(count) |\n" }
            out += "\n"
        }

        out += "## Findings by rule\n\n"
        if changedRules.isEmpty {
            out += "No findings gained or lost.\n\n"
        } else {
            out += "| rule | plugin | mode | gained | lost |\n|---|---|---|---:|---:|\n"
            for (id, change) in changedRules {
                out += "| `\(id)` | \(change.plugin) | \(Self.modeText(change)) | \(change.gained) | \(change.lost) |\n"
            }
            out += "\n"
        }

        let sections = exampleSections
        if !sections.isEmpty {
            out += "## Examples\n\nShown redacted (every span either rule set redacts is its token); the span that changed is between ⟦ and ⟧.\n\n"
            for (title, key) in sections {
                out += "### \(title)\n\n"
                for example in examples[key] ?? [] {
                    let rule = example.rule.map { ", `\($0)`" } ?? ""
                    out += "- `\(Self.code(example.item))` (line \(example.line), \(example.from.rawValue) → \(example.to.rawValue)\(rule)): "
                        + Self.markdownEscaped(example.excerpt) + "\n"
                }
                out += "\n"
            }
        }
        if !errors.isEmpty {
            out += "## Lines not read\n\n"
            for error in errors { out += "- line \(error.line): \(Self.markdownEscaped(PrintableText.escaped(error.message, oneLine: true)))\n" }
            if errorCount > errors.count { out += "- … and \(errorCount - errors.count) more\n" }
            out += "\n"
        }
        return out
    }

    /// The report for tools.
    public func json() -> String {
        var json = JSONText()
        json.object { json in
            json.field("baseline", baselineVersion)
            json.field("candidate", candidateVersion)
            json.field("lines", lines)
            json.field("items", items)
            json.field("errors", errorCount)
            json.field("changedItems", changedItems)
            json.field("newHolds", newHolds)
            json.field("newRejects", newRejects)
            json.field("lostRedactions", lostRedactions)
            json.field("gainedRedactions", gainedRedactions)
            json.key("decisions")
            json.beginArray()
            for (transition, count) in changes {
                json.object { json in
                    json.field("from", transition.from.rawValue)
                    json.field("to", transition.to.rawValue)
                    json.field("items", count)
                }
            }
            json.endArray()
            json.key("rules")
            json.beginArray()
            for (id, change) in changedRules {
                json.object { json in
                    json.field("rule", id)
                    json.field("plugin", change.plugin)
                    json.field("baselineMode", change.baselineMode?.rawValue)
                    json.field("candidateMode", change.candidateMode?.rawValue)
                    json.field("gained", change.gained)
                    json.field("lost", change.lost)
                }
            }
            json.endArray()
            json.key("examples")
            json.beginArray()
            for (_, key) in exampleSections {
                for example in examples[key] ?? [] {
                    json.object { json in
                        json.field("change", key)
                        json.field("item", example.item)
                        json.field("line", example.line)
                        json.field("from", example.from.rawValue)
                        json.field("to", example.to.rawValue)
                        json.field("rule", example.rule)
                        json.field("excerpt", example.excerpt)
                    }
                }
            }
            json.endArray()
            json.key("unread")
            json.beginArray()
            for error in errors {
                json.object { json in
                    json.field("line", error.line)
                    json.field("error", error.message)
                }
            }
            json.endArray()
        }
        return json.text
    }

    /// The example sections in the order they print: decision changes (most items first),
    /// lost redactions, then rules gained and lost by rule id.
    var exampleSections: [(title: String, key: String)] {
        var sections: [(String, String)] = changes.map { ("\($0.transition.key) (\(Self.items($0.items)))", Self.decisionKey($0.transition)) }
        if lostRedactions > 0 { sections.append(("Redactions lost (\(lostRedactions))", Self.lostRedactionKey)) }
        for (id, change) in changedRules {
            if change.gained > 0 { sections.append(("`\(id)` gained (\(change.gained))", Self.gainedKey(id))) }
            if change.lost > 0 { sections.append(("`\(id)` lost (\(change.lost))", Self.lostKey(id))) }
        }
        return sections.filter { examples[$0.1]?.isEmpty == false }
    }

    private static func items(_ count: Int) -> String { count == 1 ? "1 item" : "\(count) items" }

    private static func modeText(_ change: RuleChange) -> String {
        switch (change.baselineMode, change.candidateMode) {
        case let (old?, new?) where old == new: return old.rawValue
        case let (old?, new?): return "\(old.rawValue) → \(new.rawValue)"
        case let (nil, new?): return "new, \(new.rawValue)"
        case let (old?, nil): return "removed (was \(old.rawValue))"
        case (nil, nil): return "?"
        }
    }

    /// Text inside a code span: backticks cannot close it.
    private static func code(_ text: String) -> String {
        PrintableText.escaped(text, oneLine: true).replacingOccurrences(of: "`", with: "'")
    }

    /// Text shown as written in Markdown: every character that could start markup escaped.
    static func markdownEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\`*_[]<>|#~!&".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
