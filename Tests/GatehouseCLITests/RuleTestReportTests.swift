import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GatehouseCore
import GatehouseRuntime
import Testing

@Suite("rules test: a filter, and a JUnit report CI systems can read")
struct RuleTestReportTests {
    /// Two rules of a real PII pack: `t.digits` passes its cases; `t.word` has one case that
    /// fails (the word is not in its text), whose input holds markup and a control character.
    static let pack = """
        plugin: pii
        rules:
          - id: t.digits
            description: Six digits.
            category: TEST
            pattern: '\\b\\d{6}\\b'
            replacement: '[six]'
            tests:
              match: ['code 123456 here']
              no_match: ['code 12345 here']
          - id: t.word
            description: The word secret.
            category: TEST
            pattern: '\\bsecret\\b'
            replacement: '[word]'
            tests:
              match: ['a <secret> & more', "no such word \\u0007 <here> & \\"there\\""]
        """

    private func run(include: @escaping (String) -> Bool = { _ in true }) throws -> RuleTestRunner.Report {
        let pack = try RulePackLoader.parse(Self.pack, file: "t.yaml")
        return try RuleTestRunner(registry: .standard).run([pack], include: include)
    }

    @Test("a filter runs only the matching rules' cases")
    func filter() throws {
        let all = try run()
        #expect(all.passed == 3 && all.failed == 1)
        let digits = try run { fnmatch("t.dig*", $0, 0) == 0 }
        #expect(Set(digits.results.map(\.rule)) == ["t.digits"])
        #expect(digits.passed == 2 && digits.failed == 0)
    }

    @Test("the JUnit XML parses, counts every case and names the failure with what was expected")
    func junit() throws {
        let xml = JUnitReport.xml(try run())
        let collector = Collector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")\n\(xml)")
        #expect(collector.suites.map { $0["name"] } == ["t.yaml"])
        #expect(collector.suites.first?["tests"] == "4" && collector.suites.first?["failures"] == "1")
        #expect(collector.cases.map { $0["classname"] } == ["t.digits", "t.digits", "t.word", "t.word"])
        #expect(collector.failures.count == 1)
        #expect(collector.failures.first?["message"]?.contains("expected rule fires, got it did not fire") == true)
        #expect(collector.failureText.contains("no such word"))
        #expect(collector.cases[3]["name"]?.contains("<here>") == true)
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var suites: [[String: String]] = []
        var cases: [[String: String]] = []
        var failures: [[String: String]] = []
        var failureText = ""
        private var inFailure = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            switch name {
            case "testsuite":
                suites.append(attributes)
            case "testcase": cases.append(attributes)
            case "failure":
                failures.append(attributes)
                inFailure = true
            default: break
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "failure" { inFailure = false }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inFailure { failureText += string }
        }
    }
}
