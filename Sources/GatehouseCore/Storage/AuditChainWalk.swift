import Foundation

/// Checks an audit chain one entry at a time, oldest first, as a store reads it: each
/// entry's place, its link to the one before and its hash; with an anchor, that the anchored
/// entry still has the hash recorded for it and is still there. One walk for every backend.
public struct AuditChainWalk: Sendable {
    private let anchor: AuditAnchor?
    private var previous = AuditEntry.genesis
    private var expectedSeq: Int64 = 1
    private var checked = 0

    public init(anchor: AuditAnchor?) {
        self.anchor = anchor
    }

    /// Checks the next entry (its stored hash and the fields the hash covers); returns the
    /// failed verification at the first bad entry, nil while all is well.
    public mutating func check(
        seq: Int64, time: Date, actor: String, event: String, itemId: String?, decision: String?, findingsJSON: String,
        textHash: String?, rulesVersion: String?, reason: String?, prevHash: String, hash stored: String
    ) -> AuditVerification? {
        func bad(_ reason: String) -> AuditVerification {
            AuditVerification(ok: false, checked: checked, firstBadSeq: seq, reason: reason)
        }
        guard seq == expectedSeq else { return bad("sequence gap: expected \(expectedSeq)") }
        guard prevHash == previous else { return bad("prevHash does not match the previous entry's hash") }
        let recomputed = AuditEntry.computeHash(
            seq: seq, time: time, actor: actor, event: event, itemId: itemId, decision: decision, findingsJSON: findingsJSON,
            textHash: textHash, rulesVersion: rulesVersion, reason: reason, prevHash: prevHash)
        guard recomputed == stored else { return bad("hash does not match the entry's contents") }
        if let anchor, anchor.seq == seq, anchor.hash != stored {
            return bad("the hash is not the one recorded for this entry: the log was rewritten from here or earlier")
        }
        previous = stored
        expectedSeq += 1
        checked += 1
        return nil
    }

    /// The verification once every entry has been checked.
    public func finish() -> AuditVerification {
        if let anchor, anchor.seq >= expectedSeq {
            return AuditVerification(
                ok: false, checked: checked, firstBadSeq: expectedSeq,
                reason: "the log ends at entry \(expectedSeq - 1), but entry \(anchor.seq) was recorded: entries were removed from the end")
        }
        return AuditVerification(
            ok: true, checked: checked, firstBadSeq: nil, reason: nil, lastSeq: checked > 0 ? expectedSeq - 1 : nil,
            lastHash: checked > 0 ? previous : nil)
    }
}

/// The next audit entries of a chain, made in memory from its head: what a store appends
/// inside the transaction that holds the head. One way to number, round and hash entries for
/// every backend.
public struct AuditChainHead: Sendable {
    /// The last entry's seq (0 for an empty log) and hash.
    public private(set) var seq: Int64
    public private(set) var hash: String

    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }

    /// The entry after the head, which becomes the head. Times are kept to the millisecond,
    /// as they are stored.
    public mutating func next(
        time: Date, actor: String, event: String, itemId: String?, decision: String?, findings: [AuditFinding],
        textHash: String?, rulesVersion: String?, reason: String?
    ) -> (entry: AuditEntry, findingsJSON: String) {
        let findingsJSON = AuditFinding.canonicalJSON(findings)
        let rounded = Date(timeIntervalSince1970: (time.timeIntervalSince1970 * 1_000).rounded() / 1_000)
        let entrySeq = seq + 1
        let entryHash = AuditEntry.computeHash(
            seq: entrySeq, time: rounded, actor: actor, event: event, itemId: itemId, decision: decision, findingsJSON: findingsJSON,
            textHash: textHash, rulesVersion: rulesVersion, reason: reason, prevHash: hash)
        let entry = AuditEntry(
            seq: entrySeq, time: rounded, actor: actor, event: event, itemId: itemId, decision: decision, findings: findings,
            textHash: textHash, rulesVersion: rulesVersion, reason: reason, prevHash: hash, hash: entryHash)
        seq = entrySeq
        hash = entryHash
        return (entry, findingsJSON)
    }
}
