import GatehouseCore
import Testing

@Suite("PII accuracy on the labelled set")
struct AccuracyTests {
    @Test("precision and recall on Tests/Fixtures/pii-labelled.jsonl stay above the floor")
    func labelledSet() throws {
        let set = try LabelledSet(file: Repository.fixture("pii-labelled.jsonl"), key: "pii")
        #expect(set.examples.count >= 75)
        let report = set.measure(shippedPII.pipeline, plugin: "pii")
        // Floors, not targets: the benchmark prints the actual figures. A drop below them means
        // a rule change made the plugin worse.
        #expect(report.overall.precision >= 0.95, "\(report.table)\n\(report.falsePositives.joined(separator: "\n"))")
        #expect(report.overall.recall >= 0.95, "\(report.table)\n\(report.falseNegatives.joined(separator: "\n"))")
    }
}
