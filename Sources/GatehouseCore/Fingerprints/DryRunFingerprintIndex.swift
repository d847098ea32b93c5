import Foundation

/// A view of another index that answers queries and records nothing: for dry runs
/// (`POST /v1/check`) that must see earlier items without becoming one.
public struct DryRunFingerprintIndex: FingerprintIndex {
    private let base: any FingerprintIndex

    public init(_ base: any FingerprintIndex) {
        self.base = base
    }

    public func transaction<T>(_ body: (inout any FingerprintTransaction) throws -> T) throws -> T {
        try base.transaction { inner in
            var readOnly: any FingerprintTransaction = ForwardingTransaction(inner: inner) { _, _, _ in }
            return try body(&readOnly)
        }
    }
}
