import Foundation

/// A rule-test report as JUnit XML, the format CI systems (GitLab, Jenkins, GitHub's test
/// reporters) read: one `testsuite` per pack file, one `testcase` per case, a `failure` per
/// failed case with what was expected and what happened.
public enum JUnitReport {
    public static func xml(_ report: RuleTestRunner.Report, name: String = "gatehouse rules test") -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        let total = report.results.reduce(0) { $0 + $1.seconds }
        xml += #"<testsuites name="\#(escape(name))" tests="\#(report.results.count)" failures="\#(report.failed)" time="\#(seconds(total))">"# + "\n"
        var files: [String] = []
        var byFile: [String: [RuleTestRunner.CaseResult]] = [:]
        for result in report.results {
            if byFile[result.file] == nil { files.append(result.file) }
            byFile[result.file, default: []].append(result)
        }
        for file in files {
            let cases = byFile[file]!
            let failed = cases.count { !$0.passed }
            let time = cases.reduce(0) { $0 + $1.seconds }
            xml += #"  <testsuite name="\#(escape(file))" tests="\#(cases.count)" failures="\#(failed)" errors="0" time="\#(seconds(time))">"# + "\n"
            for result in cases {
                let line = result.line.map { "line \($0)" } ?? "line ?"
                let caseName = "\(result.mustFire ? "match" : "no_match") \(line): \(excerpt(result.text))"
                let attributes = #"classname="\#(escape(result.rule))" name="\#(escape(caseName))" file="\#(escape(file))" time="\#(seconds(result.seconds))""#
                if result.passed {
                    xml += "    <testcase \(attributes)/>\n"
                    continue
                }
                xml += "    <testcase \(attributes)>\n"
                let message = result.failures.map { "expected \($0.expected), got \($0.actual)" }.joined(separator: "; ")
                let body = result.failures.map(\.description).joined(separator: "\n")
                xml += #"      <failure message="\#(escape(message))" type="RuleTestFailure">\#(escape(body))</failure>"# + "\n"
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    /// Text safe inside an attribute or an element: markup escaped, and characters XML 1.0
    /// cannot hold at all (C0 controls other than tab and line breaks) written as U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func seconds(_ value: Double) -> String {
        String(format: "%.4f", value)
    }

    /// The start of a case's text, for its name.
    private static func excerpt(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > 60 else { return text.debugDescription }
        return String(String.UnicodeScalarView(scalars.prefix(57))).debugDescription + "…"
    }
}
