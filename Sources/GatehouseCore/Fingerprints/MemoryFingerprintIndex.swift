import Foundation

/// A `FingerprintIndex` in memory, behind a mutex: for `gatehouse scan` and tests.
///
/// Items live in flat arrays indexed by sequence number (signatures and band chains without a
/// per-item allocation); each band has a table from band key to the newest item, and items
/// chain to the previous one with the same key. Items older than `retention` (by the newest
/// time seen) are dropped as new ones arrive.
///
/// `@unchecked Sendable` is safe: `storage` is only read or written while `lock` is held, and a
/// transaction's reference to it does not outlive the locked call.
public final class MemoryFingerprintIndex: FingerprintIndex, @unchecked Sendable {
    private let lock = NSLock()
    private var storage: Storage

    /// An empty index that keeps items for `retention` seconds.
    public init(retention: TimeInterval = 30 * 24 * 3600) {
        storage = Storage(retention: retention)
    }

    public func transaction<T>(_ body: (inout any FingerprintTransaction) throws -> T) throws -> T {
        try lock.withLock {
            var transaction: any FingerprintTransaction = Transaction(storage: storage)
            return try body(&transaction)
        }
    }

    /// Forgets everything (rule tests start each case from an empty index).
    public func reset() {
        lock.withLock { storage = Storage(retention: storage.retention) }
    }

    /// The number of items held.
    public var count: Int { lock.withLock { storage.live } }

    /// Entries in the lookup tables (exact hashes, band keys, contributors, conversations):
    /// bounded by the items held, not by every item ever seen.
    public var tableEntries: Int {
        lock.withLock {
            storage.exactHeads.count + storage.exactByContributor.count + storage.bandHeads.reduce(0) { $0 + $1.count }
                + storage.byContributor.count + storage.byConversation.count + storage.itemsByContributor.count
                + storage.sentenceCounts.count + storage.sentenceHeads.count
        }
    }

    /// The bytes the index's arrays and tables hold (their capacities, not their counts), for
    /// the benchmark's memory report: what the index itself costs, without allocator slack.
    /// Strings longer than fifteen bytes and per-contributor lists count only their headers.
    public var heldBytes: Int {
        lock.withLock {
            func bytes<T>(_ array: [T]) -> Int { array.capacity * MemoryLayout<T>.stride }
            func bytes<K, V>(_ dictionary: [K: V]) -> Int {
                dictionary.capacity * 4 / 3 * (MemoryLayout<K>.stride + MemoryLayout<V>.stride)
            }
            let s = storage
            return bytes(s.metas) + bytes(s.times) + bytes(s.signatures) + bytes(s.bandNext) + bytes(s.bandSkip) + bytes(s.lookupStamps)
                + s.bandHeads.reduce(0) { $0 + $1.heldBytes } + s.exactHeads.heldBytes + bytes(s.exactByContributor)
                + bytes(s.sentenceMarks) + s.sentenceCounts.heldBytes + s.sentenceHeads.heldBytes + bytes(s.sentenceNext)
                + bytes(s.itemsByContributor) + s.itemsByContributor.values.reduce(0) { $0 + 32 + bytes($1) }
                + bytes(s.byContributor) + s.byContributor.values.reduce(0) { $0 + 32 + bytes($1) }
                + bytes(s.byConversation) + s.byConversation.values.reduce(0) { $0 + 32 + bytes($1) }
                + bytes(s.clusters)
        }
    }

    /// Withdraws an item whose submission was never stored (its commit failed): lookups no
    /// longer find it, so a retry is not taken for a repeat of it. Its share of flood and
    /// campaign counts stays until it ages out.
    public func withdraw(itemId: String) {
        lock.withLock {
            // Withdrawn moments after it was inserted, so it is among the newest: look back from
            // the end, no further than any number of submissions in flight could reach.
            let recent = storage.metas.indices.suffix(65_536)
            guard let slot = recent.last(where: { storage.metas[$0].itemId == itemId }), storage.isLive(storage.base + slot) else { return }
            storage.withdrawn.insert(storage.base + slot)
        }
    }

    /// Per-item fields other than the time, the signature and the band chains, in an order
    /// that packs them into 80 bytes.
    struct Meta {
        var itemId: String
        var cluster: String
        var conversation: String?
        var contributor: UInt64?
        /// Whether its sentences are counted in `sentenceCounts`: only an item whose text no live
        /// item held when it came is, so a sentence's count is the number of different texts
        /// holding it.
        var countsSentences: Bool
        var sentenceCount: UInt16
        /// The previous item whose exact hash has the same low 32 bits (or -1).
        var nextExact: Int32
        var exact: UInt64
        /// Where its sentence marks start (a sequence number of marks, like the items').
        var sentenceStart: Int
    }

    /// The index's state, held by reference so that transactions mutate it in place.
    final class Storage {
        let retention: TimeInterval
        /// Sequence number of `metas[0]`; everything before it is gone.
        var base = 0
        /// Items before this sequence number are pruned (not yet compacted away).
        var firstLive = 0
        var metas: [Meta] = []
        /// Each item's time (seconds since the reference date), apart from `metas` so that a
        /// walk along a band's chain reads 8 bytes an item, not the whole `Meta`.
        var times: [Double] = []
        /// The low 16 bits of each signature value: two different values agree in them once in
        /// 65,536 bins, which moves a similarity estimate by about 0.00002, for half the memory.
        var signatures: [UInt16] = []
        var bandNext: [Int32] = []
        /// For each item and band, the item two steps back in the band's chain (`bandNext` of its
        /// `bandNext`), or -1: a walk reads two items a step, so waits for half as many reads.
        var bandSkip: [Int32] = []
        /// For each item, the number of the last similarity lookup that met it.
        var lookupStamps: [UInt32] = []
        private var lookups: UInt32 = 0
        var bandHeads: [HeadTable]
        /// The newest item per exact hash's low 32 bits (walks check the whole hash).
        var exactHeads = HeadTable()
        /// Newest item per (exact hash, contributor), keyed by a mix of the two.
        var exactByContributor: [UInt64: Int32] = [:]
        var clusters: [String: Set<UInt64>] = [:]
        /// Every sentence mark, item after item; `sentenceBase` is the number of `sentenceMarks[0]`.
        var sentenceMarks: [SentenceMark] = []
        var sentenceBase = 0
        /// How many items hold each sentence hash (items pruned but not yet compacted included).
        var sentenceCounts = HeadTable()
        /// The newest item holding each sentence hash, among the items that count their sentences
        /// (the first of each text) and sentences of `chainedSentence` characters or more.
        var sentenceHeads = HeadTable()
        /// For each mark (as `sentenceMarks`), the previous item holding its sentence in that
        /// chain, or -1 (and -1 for a mark that is in no chain).
        var sentenceNext: [Int32] = []
        /// Each contributor's items (sequence numbers, oldest first) that have a signature.
        var itemsByContributor: [UInt64: [Int]] = [:]
        var byContributor: [UInt64: [Date]] = [:]
        var byConversation: [String: [Date]] = [:]
        var newest = Date.distantPast
        /// Sequence numbers of items withdrawn because their submissions were never stored.
        var withdrawn: Set<Int> = []
        /// Where loops that only read memory ahead of its use leave their sum, so that the
        /// compiler keeps their loads.
        var readAhead: UInt64 = 0

        static let bins = 64
        static let bands = 16
        /// Sentences shorter than this (`Thank you.`, `Please help.`) lead to no candidates.
        static let chainedSentence = 24
        /// A sentence held by at most this many texts leads to them …
        static let rareSentence: Int32 = 2
        /// … when they hold this many such sentences of the text (or both of a text that has
        /// two sentences of `chainedSentence` characters).
        static let sharedSentences = 3

        init(retention: TimeInterval) {
            self.retention = retention
            bandHeads = Array(repeating: HeadTable(), count: Self.bands)
        }

        var nextSequence: Int { base + metas.count }
        var live: Int { nextSequence - firstLive }

        static func key(exact: UInt64, contributor: UInt64) -> UInt64 {
            (exact ^ (contributor &* 0x9E37_79B9_7F4A_7C15)) &+ 0x632B_E59B_D9B4_E019
        }

        /// The item at `sequence`; exact matches need neither its signature nor its sentences.
        func fingerprint(at sequence: Int, withSentences: Bool = true) -> StoredFingerprint {
            let slot = sequence - base
            let meta = metas[slot]
            return StoredFingerprint(
                itemId: meta.itemId, contributor: meta.contributor, conversation: meta.conversation,
                time: Date(timeIntervalSinceReferenceDate: times[slot]),
                exact: meta.exact,
                signature: [],
                bands: [], cluster: meta.cluster,
                sentences: withSentences ? Array(sentenceMarks[marks(of: meta)]) : [])
        }

        /// Where the link of the item at `sequence` in `band`'s chain lies in `bandNext` (and `bandSkip`).
        @inline(__always)
        func bandLink(_ sequence: Int, _ band: Int) -> Int { (sequence - base) * Self.bands + band }

        /// Where an item's sentence marks lie in `sentenceMarks` (and `sentenceNext`).
        @inline(__always)
        func marks(of meta: Meta) -> Range<Int> {
            let start = meta.sentenceStart - sentenceBase
            return start..<(start + Int(meta.sentenceCount))
        }

        /// The signature of the item at `sequence`, in place.
        func withSignature<R>(at sequence: Int, _ body: (UnsafeBufferPointer<UInt16>) -> R) -> R {
            let slot = sequence - base
            return signatures.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[(slot * Self.bins)..<((slot + 1) * Self.bins)])) }
        }

        /// A number for a new similarity lookup; when the count wraps, every stamp is cleared.
        func nextLookupStamp() -> UInt32 {
            lookups &+= 1
            if lookups == 0 {
                for slot in lookupStamps.indices { lookupStamps[slot] = 0 }
                lookups = 1
            }
            return lookups
        }

        func isLive(_ sequence: Int) -> Bool { sequence >= firstLive && sequence < nextSequence }

        /// The item before `sequence` in the chain of the sentence `hash` (or -1): read from the
        /// link of the item's mark with that hash.
        func previous(holding hash: UInt32, before sequence: Int) -> Int {
            for index in marks(of: metas[sequence - base]) where sentenceMarks[index].hash == hash {
                return Int(sentenceNext[index])
            }
            return -1
        }

        /// Drops the items before `firstLive` from the arrays, and every table entry that only
        /// leads to them: a head that is dead has a dead chain behind it, and a time list whose
        /// times are all before `cutoff` counts nothing any more. Run when more than half the
        /// arrays are dead, so the work is paid for by the inserts since the last compaction.
        func compact(cutoff: Date) {
            let dead = firstLive - base
            let firstMark = metas[dead].sentenceStart
            for meta in metas[0..<dead] where meta.countsSentences {
                for mark in sentenceMarks[marks(of: meta)] { sentenceCounts.add(-1, to: mark.hash) }
            }
            sentenceCounts.retain { $0 > 0 }
            sentenceMarks.removeFirst(firstMark - sentenceBase)
            sentenceNext.removeFirst(firstMark - sentenceBase)
            sentenceBase = firstMark
            metas.removeFirst(dead)
            times.removeFirst(dead)
            signatures.removeFirst(dead * Self.bins)
            bandNext.removeFirst(dead * Self.bands)
            bandSkip.removeFirst(dead * Self.bands)
            lookupStamps.removeFirst(dead)
            base = firstLive
            let first = base
            exactHeads.retain { Int($0) >= first }
            sentenceHeads.retain { Int($0) >= first }
            exactByContributor = exactByContributor.filter { Int($0.value) >= first }
            itemsByContributor = itemsByContributor.compactMapValues { items in
                guard let start = items.firstIndex(where: { $0 >= first }) else { return nil }
                return start == 0 ? items : Array(items[start...])
            }
            for band in bandHeads.indices { bandHeads[band].retain { Int($0) >= first } }
            byContributor = byContributor.compactMapValues { Self.trimmed($0, cutoff) }
            byConversation = byConversation.compactMapValues { Self.trimmed($0, cutoff) }
            withdrawn = withdrawn.filter { $0 >= first }
        }

        /// The times at or after `cutoff` (nil when none is).
        static func trimmed(_ times: [Date], _ cutoff: Date) -> [Date]? {
            let start = MemoryFingerprintIndex.firstIndex(in: times, atOrAfter: cutoff)
            return start == times.count ? nil : start == 0 ? times : Array(times[start...])
        }

        /// False for an item withdrawn after a failed commit (and the check is free while none is).
        func isFindable(_ sequence: Int) -> Bool { withdrawn.isEmpty || !withdrawn.contains(sequence) }
    }

    /// The index of the first time at or after `time` in sorted `times`.
    static func firstIndex(in times: [Date], atOrAfter time: Date) -> Int {
        var low = 0
        var high = times.count
        while low < high {
            let middle = (low + high) / 2
            if times[middle] < time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    struct Transaction: FingerprintTransaction {
        let storage: Storage

        func items(exact: UInt64, since: Date, limit: Int) -> [StoredFingerprint] {
            var result: [StoredFingerprint] = []
            var sequence = Int(storage.exactHeads[UInt32(truncatingIfNeeded: exact)] ?? -1)
            let cutoff = since.timeIntervalSinceReferenceDate
            while storage.isLive(sequence), result.count < limit {
                let meta = storage.metas[sequence - storage.base]
                guard storage.times[sequence - storage.base] >= cutoff else { break }
                if meta.exact == exact, storage.isFindable(sequence) {
                    result.append(storage.fingerprint(at: sequence, withSentences: false))
                }
                sequence = Int(meta.nextExact)
            }
            return result
        }

        func latest(exact: UInt64, contributor: UInt64, since: Date) -> StoredFingerprint? {
            guard let sequence = storage.exactByContributor[Storage.key(exact: exact, contributor: contributor)].map(Int.init),
                storage.isLive(sequence)
            else { return nil }
            let meta = storage.metas[sequence - storage.base]
            guard meta.exact == exact, meta.contributor == contributor, storage.times[sequence - storage.base] >= since.timeIntervalSinceReferenceDate,
                storage.isFindable(sequence)
            else { return nil }
            return storage.fingerprint(at: sequence, withSentences: false)
        }

        func items(
            similarTo signature: [UInt32], bands: [UInt64], sentences: [SentenceMark], atLeast minimum: Double, since: Date, limit: Int
        ) -> [(item: StoredFingerprint, similarity: Double)] {
            // Every candidate built (the plugin judges them in place with the method below).
            items(similarTo: signature, bands: bands, sentences: sentences, atLeast: minimum, since: since, limit: limit) { $0.similarity }
                .map { ($0.item, $0.judgement) }
        }

        func items<Judgement>(
            similarTo signature: [UInt32], bands: [UInt64], sentences: [SentenceMark], atLeast minimum: Double, since: Date, limit: Int,
            judging judge: (FingerprintCandidate) throws -> Judgement?
        ) rethrows -> [(item: StoredFingerprint, judgement: Judgement)] {
            let found = similar(to: signature, bands: bands, sentences: sentences, atLeast: minimum, since: since, limit: limit)
            var result: [(item: StoredFingerprint, judgement: Judgement)] = []
            let base = storage.base
            // Judged where the marks lie: only a candidate that is judged a copy is built.
            try storage.metas.withUnsafeBufferPointer { metas in
                try storage.sentenceMarks.withUnsafeBufferPointer { marks in
                    // Each candidate's record, then its first mark, are far apart in memory: read
                    // them first in loops of loads that do not wait for each other, so that the
                    // processor waits for dozens at once, not for each in turn while judging.
                    var ahead: UInt64 = 0
                    for (sequence, _) in found { ahead &+= metas[sequence - base].exact }
                    for (sequence, _) in found {
                        let range = storage.marks(of: metas[sequence - base])
                        // Four marks a cache line: one of each four, and the last.
                        for index in stride(from: range.lowerBound, to: range.upperBound, by: 4) { ahead &+= UInt64(marks[index].hash) }
                        if !range.isEmpty { ahead &+= UInt64(marks[range.upperBound - 1].hash) }
                    }
                    storage.readAhead = ahead
                    for (sequence, similarity) in found where storage.isFindable(sequence) {
                        let meta = metas[sequence - base]
                        let candidate = FingerprintCandidate(
                            exact: meta.exact, contributor: meta.contributor, similarity: similarity,
                            sentences: UnsafeBufferPointer(rebasing: marks[storage.marks(of: meta)]))
                        guard let judgement = try judge(candidate) else { continue }
                        result.append((storage.fingerprint(at: sequence), judgement))
                    }
                }
            }
            return result
        }

        /// The items a similarity lookup meets (see `FingerprintTransaction.items(similarTo:…)`):
        /// sequence numbers, with their similarity, in the order met.
        private func similar(
            to signature: [UInt32], bands: [UInt64], sentences: [SentenceMark], atLeast minimum: Double, since: Date, limit: Int
        ) -> [(sequence: Int, similarity: Double)] {
            guard signature.count == Storage.bins, bands.count >= Storage.bands, limit > 0 else { return [] }
            // Items are compared once: an item that shares several bands is met once per band
            // (every member of a campaign, in every band). Each met item is stamped with this
            // lookup's number, which is cheaper than a set of the items met.
            let stamp = storage.nextLookupStamp()
            var found: [(sequence: Int, similarity: Double)] = []
            let base = storage.base
            let cutoff = since.timeIntervalSinceReferenceDate
            let query = SignatureLanes(signature)
            // The walk reads the arrays through buffers: one exclusivity check per array, not per step.
            storage.signatures.withUnsafeBufferPointer { signatures in
                storage.times.withUnsafeBufferPointer { times in
                    storage.lookupStamps.withUnsafeMutableBufferPointer { stamps in
                        withUnsafeTemporaryAllocation(of: Int32.self, capacity: Storage.bands * limit) { chains in
                            withUnsafeTemporaryAllocation(of: Int.self, capacity: Storage.bands) { lengths in
                                gatherChains(bands, limit: limit, into: chains, lengths: lengths)
                                // What the walk reads of each item (its time, its stamp and its
                                // signature, 128 bytes on up to three cache lines: its first,
                                // middle and last values), read ahead as `items(similarTo:…judging:)` does.
                                var ahead: UInt64 = 0
                                for band in 0..<Storage.bands {
                                    for step in 0..<lengths[band] {
                                        let slot = Int(chains[band * limit + step]) - base
                                        let signature = slot * Storage.bins
                                        ahead &+= UInt64(times[slot].bitPattern) &+ UInt64(stamps[slot]) &+ UInt64(signatures[signature])
                                            &+ UInt64(signatures[signature + Storage.bins / 2]) &+ UInt64(signatures[signature + Storage.bins - 1])
                                    }
                                }
                                storage.readAhead = ahead
                                // Band after band, each chain newest first: the order, and so the
                                // band an item is first met in, are those of walking one band at a time.
                                for band in 0..<Storage.bands {
                                    for step in 0..<lengths[band] {
                                        let sequence = Int(chains[band * limit + step])
                                        let slot = sequence - base
                                        guard times[slot] >= cutoff, stamps[slot] != stamp else { continue }
                                        stamps[slot] = stamp
                                        let similarity = query.similarity(UnsafeRawPointer(signatures.baseAddress! + slot * Storage.bins))
                                        if similarity >= minimum { found.append((sequence, similarity)) }
                                    }
                                }
                                // Then the texts that hold three or more of its sentences that few
                                // texts hold: most of a long text, a passage or two dropped (a
                                // sentence in many texts, a quoted question or a template line,
                                // points to none in particular, and two texts in the same plain
                                // words share a sentence or two by chance).
                                var shared: [Int: Int] = [:]
                                for mark in sentences where mark.length >= Storage.chainedSentence
                                    && (storage.sentenceCounts[mark.hash] ?? 0) <= Storage.rareSentence {
                                    var sequence = Int(storage.sentenceHeads[mark.hash] ?? -1)
                                    var steps = 0
                                    while storage.isLive(sequence), steps < limit {
                                        guard times[sequence - base] >= cutoff else { break }
                                        steps += 1
                                        shared[sequence, default: 0] += 1
                                        sequence = storage.previous(holding: mark.hash, before: sequence)
                                    }
                                }
                                // A text of two such sentences is all in a text holding both.
                                let chained = sentences.count { $0.length >= Storage.chainedSentence }
                                let needed = max(2, min(Storage.sharedSentences, chained))
                                for (sequence, count) in shared.sorted(by: { $0.key > $1.key }) where count >= needed {
                                    let slot = sequence - base
                                    guard stamps[slot] != stamp else { continue }
                                    stamps[slot] = stamp
                                    let similarity = query.similarity(UnsafeRawPointer(signatures.baseAddress! + slot * Storage.bins))
                                    if similarity >= minimum { found.append((sequence, similarity)) }
                                }
                            }
                        }
                    }
                }
            }
            return found
        }

        /// The first `limit` items of each band's chain (sequence numbers, newest first) into
        /// `chains` (`limit` a band), and each chain's length into `lengths`. The sixteen chains
        /// are followed side by side, a step of each in turn, two items a step (an item's next and
        /// the one after it, `bandSkip`): each step waits for a read from memory that is far from
        /// the last, and sixteen independent reads wait together.
        private func gatherChains(
            _ bands: [UInt64], limit: Int, into chains: UnsafeMutableBufferPointer<Int32>, lengths: UnsafeMutableBufferPointer<Int>
        ) {
            let first = storage.firstLive
            let end = storage.nextSequence
            @inline(__always) func isLive(_ sequence: Int) -> Bool { sequence >= first && sequence < end }
            // For each band, the next two items to take: `current`, and `after` it (its next).
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * Storage.bands) { cursors in
                storage.bandNext.withUnsafeBufferPointer { bandNext in
                    storage.bandSkip.withUnsafeBufferPointer { bandSkip in
                        for band in 0..<Storage.bands {
                            let head = Int(storage.bandHeads[band][UInt32(truncatingIfNeeded: bands[band])] ?? -1)
                            cursors[2 * band] = head
                            cursors[2 * band + 1] = isLive(head) ? Int(bandNext[storage.bandLink(head, band)]) : -1
                            lengths[band] = 0
                        }
                        var active = true
                        while active {
                            active = false
                            for band in 0..<Storage.bands {
                                let current = cursors[2 * band]
                                guard isLive(current), lengths[band] < limit else { continue }
                                chains[band * limit + lengths[band]] = Int32(truncatingIfNeeded: current)
                                lengths[band] += 1
                                let after = cursors[2 * band + 1]
                                guard isLive(after), lengths[band] < limit else {
                                    cursors[2 * band] = -1
                                    continue
                                }
                                chains[band * limit + lengths[band]] = Int32(truncatingIfNeeded: after)
                                lengths[band] += 1
                                let slot = storage.bandLink(after, band)
                                cursors[2 * band] = Int(bandNext[slot])
                                cursors[2 * band + 1] = Int(bandSkip[slot])
                                active = true
                            }
                        }
                    }
                }
            }
        }

        func items(
            contributor: UInt64, similarTo signature: [UInt32], atLeast minimum: Double, since: Date
        ) -> [(item: StoredFingerprint, similarity: Double)] {
            guard signature.count == Storage.bins, let items = storage.itemsByContributor[contributor] else { return [] }
            let query = SignatureLanes(signature)
            let cutoff = since.timeIntervalSinceReferenceDate
            var result: [(item: StoredFingerprint, similarity: Double)] = []
            for sequence in items.reversed() {
                guard storage.isLive(sequence), storage.times[sequence - storage.base] >= cutoff else { break }
                guard storage.isFindable(sequence) else { continue }
                let similarity = storage.withSignature(at: sequence) { query.similarity(UnsafeRawPointer($0.baseAddress!)) }
                if similarity >= minimum { result.append((storage.fingerprint(at: sequence), similarity)) }
            }
            return result
        }

        func count(sentence hash: UInt32) -> Int {
            Int(storage.sentenceCounts[hash] ?? 0)
        }

        func count(contributor: UInt64, since: Date) -> Int {
            storage.byContributor[contributor].map { countSince($0, since) } ?? 0
        }

        func count(conversation: String, since: Date) -> Int {
            storage.byConversation[conversation].map { countSince($0, since) } ?? 0
        }

        func contributors(inCluster cluster: String) -> Int {
            storage.clusters[cluster]?.count ?? 1
        }

        mutating func insert(_ fingerprint: StoredFingerprint, joining match: StoredFingerprint?) throws {
            let sequence = storage.nextSequence
            storage.times.append(fingerprint.time.timeIntervalSinceReferenceDate)
            storage.lookupStamps.append(0)
            let marks = fingerprint.sentences.prefix(Int(UInt16.max))
            let exactHead = storage.exactHeads[UInt32(truncatingIfNeeded: fingerprint.exact)]
            // A sentence counts once per text: copies of one text (a campaign, a repeat) make
            // none of its sentences a common passage, so a later edited copy is still judged
            // against them (`count(sentence:)`). The text is held already when the newest live
            // item under its exact hash's low bits is the same text.
            let sameTextBefore = exactHead.map { head in
                storage.isLive(Int(head)) && storage.metas[Int(head) - storage.base].exact == fingerprint.exact
            } ?? false
            storage.metas.append(
                Meta(
                    itemId: fingerprint.itemId, cluster: fingerprint.cluster, conversation: fingerprint.conversation,
                    contributor: fingerprint.contributor, countsSentences: !sameTextBefore, sentenceCount: UInt16(marks.count),
                    nextExact: exactHead ?? -1, exact: fingerprint.exact,
                    sentenceStart: storage.sentenceBase + storage.sentenceMarks.count))
            storage.sentenceMarks.append(contentsOf: marks)
            if !sameTextBefore {
                for mark in marks {
                    storage.sentenceCounts.add(1, to: mark.hash)
                    if mark.length >= Storage.chainedSentence {
                        storage.sentenceNext.append(storage.sentenceHeads[mark.hash] ?? -1)
                        storage.sentenceHeads.set(mark.hash, Int32(truncatingIfNeeded: sequence))
                    } else {
                        storage.sentenceNext.append(-1)
                    }
                }
            } else {
                storage.sentenceNext.append(contentsOf: repeatElement(-1, count: marks.count))
            }
            storage.exactHeads.set(UInt32(truncatingIfNeeded: fingerprint.exact), Int32(truncatingIfNeeded: sequence))
            if let contributor = fingerprint.contributor {
                storage.exactByContributor[Storage.key(exact: fingerprint.exact, contributor: contributor)] = Int32(truncatingIfNeeded: sequence)
            }
            if fingerprint.signature.count == Storage.bins, fingerprint.bands.count == Storage.bands {
                // One value at a time: appending a lazy map goes through a generic copy per item.
                for value in fingerprint.signature { storage.signatures.append(UInt16(truncatingIfNeeded: value)) }
                for (band, key) in fingerprint.bands.enumerated() {
                    let short = UInt32(truncatingIfNeeded: key)
                    let head = storage.bandHeads[band][short]
                    storage.bandNext.append(head ?? -1)
                    // A head is never before `base`: compaction drops those.
                    storage.bandSkip.append(head.map { storage.bandNext[storage.bandLink(Int($0), band)] } ?? -1)
                    storage.bandHeads[band].set(short, Int32(truncatingIfNeeded: sequence))
                }
                if let contributor = fingerprint.contributor {
                    storage.itemsByContributor[contributor, default: []].append(sequence)
                }
            } else {
                storage.signatures.append(contentsOf: repeatElement(0, count: Storage.bins))
                storage.bandNext.append(contentsOf: repeatElement(-1, count: Storage.bands))
                storage.bandSkip.append(contentsOf: repeatElement(-1, count: Storage.bands))
            }
            // Contributor sets only for clusters of two or more items.
            if let match, match.cluster == fingerprint.cluster {
                if storage.clusters[fingerprint.cluster] == nil {
                    storage.clusters[fingerprint.cluster] = match.contributor.map { [$0] } ?? []
                }
                if let contributor = fingerprint.contributor { storage.clusters[fingerprint.cluster]!.insert(contributor) }
            }
            if let contributor = fingerprint.contributor {
                insertSorted(fingerprint.time, into: &storage.byContributor[contributor, default: []])
            }
            if let conversation = fingerprint.conversation {
                insertSorted(fingerprint.time, into: &storage.byConversation[conversation, default: []])
            }
            storage.newest = max(storage.newest, fingerprint.time)
            prune(after: fingerprint)
        }

        private func countSince(_ times: [Date], _ since: Date) -> Int {
            times.count - MemoryFingerprintIndex.firstIndex(in: times, atOrAfter: since)
        }

        /// Keeps time lists sorted when a replayed stream is slightly out of order.
        private func insertSorted(_ time: Date, into times: inout [Date]) {
            if let last = times.last, last > time {
                times.insert(time, at: MemoryFingerprintIndex.firstIndex(in: times, atOrAfter: time))
            } else {
                times.append(time)
            }
        }

        /// Drops items older than the retention, oldest first; compacts the arrays and tables
        /// when more than half of the arrays is dead.
        private func prune(after fingerprint: StoredFingerprint) {
            let cutoff = storage.newest.addingTimeInterval(-storage.retention)
            let cutoffSeconds = cutoff.timeIntervalSinceReferenceDate
            while storage.firstLive < storage.nextSequence, storage.times[storage.firstLive - storage.base] < cutoffSeconds {
                storage.firstLive += 1
            }
            let dead = storage.firstLive - storage.base
            if dead > 1_024, dead * 2 > storage.metas.count { storage.compact(cutoff: cutoff) }
            if let contributor = fingerprint.contributor, let times = storage.byContributor[contributor],
                times.count % 64 == 0, let first = times.first, first < cutoff
            {
                storage.byContributor[contributor] = times.filter { $0 >= cutoff }
            }
            if let conversation = fingerprint.conversation, let times = storage.byConversation[conversation],
                times.count % 1_024 == 0, let first = times.first, first < cutoff
            {
                storage.byConversation[conversation] = times.filter { $0 >= cutoff }
            }
        }
    }
}
