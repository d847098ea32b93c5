import Foundation
import GatehouseCore
import Synchronization

/// Counters and a latency histogram, rendered in the Prometheus text format.
public final class Metrics: Sendable {
    private struct State {
        var decisions: [String: Int] = [:]
        var findings: [String: Int] = [:]
        var latencyBuckets = [Int](repeating: 0, count: Metrics.bounds.count)
        var latencyCount = 0
        var latencySum = 0.0
        var rejectedRequests: [Int: Int] = [:]
        var reviews: [String: Int] = [:]
    }

    static let bounds: [Double] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    private let state = Mutex(State())

    public init() {}

    /// Counts one decided submission, its findings and how long it took.
    /// A shadow rule's findings are counted apart (`mode="shadow"`): what it would have done.
    func record(decision: String, findings: [(plugin: String, rule: String, shadow: Bool)], seconds: Double) {
        state.withLock { state in
            state.decisions[decision, default: 0] += 1
            for finding in findings {
                state.findings["\(finding.plugin)\u{1F}\(finding.rule)\u{1F}\(finding.shadow ? "shadow" : "enforce")", default: 0] += 1
            }
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { state.latencyBuckets[index] += 1 }
            state.latencyCount += 1
            state.latencySum += seconds
        }
    }

    /// Counts a request refused before evaluation (400, 401, 403, 413, 429).
    func refused(status: Int) {
        state.withLock { $0.rejectedRequests[status, default: 0] += 1 }
    }

    /// Counts a moderator's decision on a held item (`approve`, `edit`, `reject`).
    func reviewed(_ action: String) {
        state.withLock { $0.reviews[action, default: 0] += 1 }
    }

    /// The Prometheus exposition text; `queueDepth` is read from the database by the caller.
    /// `rulesVersion` (the live rule set's content hash) is exposed as an info metric, so a
    /// dashboard shows which rules each gateway runs.
    func render(queueDepth: Int, commits: CommitStatistics, rulesVersion: String) -> String {
        state.withLock { state in
            var lines = [
                "# HELP gatehouse_rule_set_info The live rule set: its content hash over every pack and data file read.",
                "# TYPE gatehouse_rule_set_info gauge",
                "gatehouse_rule_set_info{version=\"\(rulesVersion)\"} 1",
                "# HELP gatehouse_submissions_total Submissions decided, by decision.",
                "# TYPE gatehouse_submissions_total counter",
            ]
            for decision in ["accepted", "held", "rejected"] {
                lines.append("gatehouse_submissions_total{decision=\"\(decision)\"} \(state.decisions[decision] ?? 0)")
            }
            lines += ["# HELP gatehouse_findings_total Findings, by plugin and rule; a shadow rule's with mode=\"shadow\".",
                      "# TYPE gatehouse_findings_total counter"]
            for key in state.findings.keys.sorted() {
                let parts = key.split(separator: "\u{1F}", maxSplits: 2).map(String.init)
                let mode = parts[2] == "shadow" ? ",mode=\"shadow\"" : ""
                lines.append("gatehouse_findings_total{plugin=\"\(parts[0])\",rule=\"\(parts[1])\"\(mode)} \(state.findings[key]!)")
            }
            lines += ["# HELP gatehouse_requests_refused_total Requests refused before evaluation, by status.",
                      "# TYPE gatehouse_requests_refused_total counter"]
            for status in state.rejectedRequests.keys.sorted() {
                lines.append("gatehouse_requests_refused_total{status=\"\(status)\"} \(state.rejectedRequests[status]!)")
            }
            lines += ["# HELP gatehouse_submission_seconds Time to decide and commit a submission.",
                      "# TYPE gatehouse_submission_seconds histogram"]
            for (index, bound) in Self.bounds.enumerated() {
                lines.append("gatehouse_submission_seconds_bucket{le=\"\(bound)\"} \(state.latencyBuckets[index])")
            }
            lines.append("gatehouse_submission_seconds_bucket{le=\"+Inf\"} \(state.latencyCount)")
            lines.append("gatehouse_submission_seconds_sum \(state.latencySum)")
            lines.append("gatehouse_submission_seconds_count \(state.latencyCount)")
            lines += [
                "# HELP gatehouse_commits_total Transactions committed by the group committer.",
                "# TYPE gatehouse_commits_total counter", "gatehouse_commits_total \(commits.transactions)",
                "# HELP gatehouse_committed_writes_total Writes (submissions, reviews, events) those transactions held.",
                "# TYPE gatehouse_committed_writes_total counter", "gatehouse_committed_writes_total \(commits.writes)",
                "# HELP gatehouse_commit_seconds_total Time from starting each transaction to its durable commit.",
                "# TYPE gatehouse_commit_seconds_total counter", "gatehouse_commit_seconds_total \(commits.seconds)",
                "# HELP gatehouse_commit_slowest_seconds The slowest commit since the start.",
                "# TYPE gatehouse_commit_slowest_seconds gauge", "gatehouse_commit_slowest_seconds \(commits.slowestSeconds)",
            ]
            lines += ["# HELP gatehouse_reviews_total Moderator decisions on held items, by action.",
                      "# TYPE gatehouse_reviews_total counter"]
            for action in ["approve", "edit", "reject"] {
                lines.append("gatehouse_reviews_total{action=\"\(action)\"} \(state.reviews[action] ?? 0)")
            }
            lines += ["# HELP gatehouse_review_queue_depth Held items waiting for a moderator.",
                      "# TYPE gatehouse_review_queue_depth gauge", "gatehouse_review_queue_depth \(queueDepth)"]
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
