import Foundation
import GatehouseCore

/// A view of another index that answers queries and records nothing: for dry runs
/// (`POST /v1/check`) that must see earlier items without becoming one.
public struct DryRunFingerprintIndex: FingerprintIndex {
    private let base: any FingerprintIndex

    public init(_ base: any FingerprintIndex) {
        self.base = base
    }

    public func transaction<T>(_ body: (inout any FingerprintTransaction) throws -> T) throws -> T {
        try base.transaction { inner in
            var readOnly: any FingerprintTransaction = ReadOnly(inner: inner)
            return try body(&readOnly)
        }
    }

    private struct ReadOnly: FingerprintTransaction {
        let inner: any FingerprintTransaction
        func items(exact: UInt64, since: Date, limit: Int) throws -> [StoredFingerprint] {
            try inner.items(exact: exact, since: since, limit: limit)
        }
        func latest(exact: UInt64, contributor: UInt64, since: Date) throws -> StoredFingerprint? {
            try inner.latest(exact: exact, contributor: contributor, since: since)
        }
        func items(similarTo signature: [UInt32], bands: [UInt64], atLeast minimum: Double, since: Date, limit: Int) throws
            -> [(item: StoredFingerprint, similarity: Double)]
        {
            try inner.items(similarTo: signature, bands: bands, atLeast: minimum, since: since, limit: limit)
        }
        func count(contributor: UInt64, since: Date) throws -> Int { try inner.count(contributor: contributor, since: since) }
        func count(conversation: String, since: Date) throws -> Int { try inner.count(conversation: conversation, since: since) }
        func contributors(inCluster cluster: String) throws -> Int { try inner.contributors(inCluster: cluster) }
        mutating func insert(_ fingerprint: StoredFingerprint, joining match: StoredFingerprint?) throws {}
    }
}
