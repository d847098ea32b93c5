import Foundation
import GatehouseCore
import GatehouseRuntime
import Testing
@testable import DuplicateSpam

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let hasher = KeyedHasher(secret: Data("duplicate tests key 0123456789abcdef".utf8))

/// A fresh rule set over rules/duplicate.yaml with its own empty memory index.
private func freshRules(index: MemoryFingerprintIndex = MemoryFingerprintIndex()) throws -> RuleSet {
    try RuleSet.load(
        paths: [root.appendingPathComponent("rules/duplicate.yaml").path],
        environment: PluginEnvironment(fingerprints: index, hasher: hasher))
}

private let start = Date(timeIntervalSince1970: 1_780_000_000)

/// An original and a copy of it, as Tests/Fixtures/handwritten/copies*.jsonl hold them.
private struct CopyPair: Decodable { var kind: String; var original: String; var copy: String }

private func copyPairs(_ file: String) throws -> [CopyPair] {
    let text = try String(contentsOfFile: root.appendingPathComponent("Tests/Fixtures/handwritten/\(file)").path, encoding: .utf8)
    return try text.split(separator: "\n").map { try JSONDecoder().decode(CopyPair.self, from: Data($0.utf8)) }
}

private func submit(_ rules: RuleSet, _ text: String, id: String, from contributor: String? = "alice",
                    conversation: String? = nil, at seconds: Double = 0) -> Verdict {
    rules.evaluate(
        Submission(text: text, conversation: conversation, contributor: contributor, receivedAt: start.addingTimeInterval(seconds)),
        itemId: id)
}

@Suite("Text fingerprints")
struct TextFingerprintTests {
    private func fingerprint(_ text: String, under key: KeyedHasher = hasher) -> TextFingerprint {
        TextFingerprint(text, shingle: 5, minWords: 5, keys: FingerprintKeys(key))
    }

    @Test("case, punctuation, white space, zero-width and look-alike characters do not make a text new")
    func canonicalForm() {
        let base = fingerprint("The physio was brilliant, and I am grateful.")
        for variant in ["THE PHYSIO WAS BRILLIANT AND I AM GRATEFUL", "the  physio was brilliant...and i am grateful!",
                        "The phys\u{200B}io was brilli\u{0430}nt, and I am grateful.", "Ｔｈｅ physio was brilliant, and I am grateful"] {
            #expect(fingerprint(variant).exact == base.exact, "\(variant)")
        }
        #expect(fingerprint("The physio was brilliant and I am not grateful").exact != base.exact)
        #expect(base.words == 8)
    }

    @Test("short texts get no MinHash signature, long ones 64 values in 16 bands")
    func signatures() {
        #expect(fingerprint("too short").signature.isEmpty)
        let long = fingerprint("I waited fourteen weeks for a podiatry appointment")
        #expect(long.signature.count == 64)
        #expect(long.bandKeys.count == 16)
    }

    @Test("similarity: near-duplicates high, different texts low")
    func similarity() {
        let a = fingerprint("I waited fourteen weeks for a podiatry appointment and my foot ulcer got much worse in that time.")
        let typo = fingerprint("I waited fourteen weeks for a podiatry apointment and my foot ulcer got much worse in that time.")
        let other = fingerprint("The speech therapist helped my father swallow again after his stroke, we are so grateful.")
        #expect(StoredFingerprint.similarity(a.signature, a.signature) == 1)
        #expect(StoredFingerprint.similarity(a.signature, typo.signature) >= 0.6)
        #expect(StoredFingerprint.similarity(a.signature, other.signature) < 0.3)
    }

    @Test("the key changes every stored value, but not which bins and sentences two texts share")
    func keyed() {
        let other = KeyedHasher(secret: Data("another key entirely, 32 bytes!!".utf8))
        let text = "The physio was brilliant and I am grateful. We waited nine weeks for the first appointment."
        let edited = "The physio was brilliant and I am so grateful. We waited nine weeks for the first appointment."
        let mine = fingerprint(text)
        let theirs = fingerprint(text, under: other)
        #expect(mine.exact != theirs.exact)
        #expect(zip(mine.signature, theirs.signature).allSatisfy { $0 != $1 })
        #expect(zip(mine.sentences, theirs.sentences).allSatisfy { $0.hash != $1.hash && $0.sketch != $1.sketch })
        // Which bins agree is the same under both keys: decisions do not depend on the key.
        let agreeMine = zip(mine.signature, fingerprint(edited).signature).map { $0 == $1 }
        let agreeTheirs = zip(theirs.signature, fingerprint(edited, under: other).signature).map { $0 == $1 }
        #expect(agreeMine == agreeTheirs)
        #expect(agreeMine.contains(true) && agreeMine.contains(false))
        #expect(mine.sentences.map(\.length) == [42, 46])
    }

    @Test("sentences end at a full stop, question or exclamation mark, semicolon or line break before white space")
    func sentences() {
        let marks = fingerprint("Question 4: how was it? It was 2.5 hours late; then fine!\nThanks Dr. Jones").sentences
        #expect(marks.map(\.length) == [21, 21, 9, 9, 5])
        let same = fingerprint("It was 2.5 hours late; a note. QUESTION 4 - how was it?").sentences
        #expect(same[0].hash == marks[1].hash && same[2].hash == marks[0].hash)
        #expect(same[0].sketchAgreement(marks[1]) == 8)
    }
}

@Suite("Duplicate plugin")
struct DuplicateSpamPluginTests {
    @Test("every shipped duplicate rule passes its YAML tests")
    func shippedTests() throws {
        let packs = try RulePackLoader.load(paths: [root.appendingPathComponent("rules/duplicate.yaml").path])
        let report = try RuleTestRunner(registry: .standard).run(packs)
        #expect(report.failures.isEmpty, "\(report.failures.map(\.description).joined(separator: "\n"))")
        #expect(report.passed >= 20)
    }

    @Test("an exact repeat is rejected with the earlier item's id; another contributor's copy is not")
    func exactRepeat() throws {
        let rules = try freshRules()
        let text = "The physiotherapy after my knee replacement was excellent."
        #expect(submit(rules, text, id: "a1").decision == .accepted)
        let again = submit(rules, text.uppercased(), id: "a2", at: 600)
        #expect(again.decision == .rejected)
        let finding = try #require(again.findings.first { $0.rule == "duplicate.exact_repeat" })
        #expect(finding.attributes["duplicate_of"] == "a1")
        #expect(finding.category == "DUPLICATE")
        #expect(submit(rules, text, id: "b1", from: "bob", at: 700).decision == .accepted)
        // Three days later it is still a repeat: a listening exercise runs for weeks.
        #expect(submit(rules, text, id: "a3", at: 259_200).decision == .rejected)
        // More than 30 days after the last copy (and past the index's retention) it is new again.
        #expect(submit(rules, text, id: "a4", at: 35 * 86_400).decision == .accepted)
    }

    @Test("anonymous items are never linked as 'the same contributor'")
    func anonymous() throws {
        let rules = try freshRules()
        let text = "The physiotherapy after my knee replacement was excellent."
        _ = submit(rules, text, id: "x1", from: nil)
        #expect(submit(rules, text, id: "x2", from: nil, at: 10).findings.allSatisfy { $0.rule != "duplicate.exact_repeat" })
    }

    @Test("a campaign: tagged and accepted from the third contributor on, one campaign id for the cluster")
    func campaign() throws {
        let rules = try freshRules()
        let template = "Save our hydrotherapy pool! It is the only treatment that helps people with arthritis in this town."
        #expect(submit(rules, template, id: "c1", from: "alice").findings.isEmpty)
        // The second contributor's copy is a copy: tagged, accepted, pointing at the first.
        let second = submit(rules, template, id: "c2", from: "bob", at: 60)
        #expect(second.decision == .accepted)
        #expect(second.findings.map(\.rule) == ["duplicate.copy"])
        #expect(second.findings.first?.attributes["duplicate_of"] == "c1")
        let third = submit(rules, template.replacingOccurrences(of: "this town", with: "our town"), id: "c3", from: "carol", at: 120)
        #expect(third.decision == .accepted)
        let tag = try #require(third.findings.first { $0.rule == "duplicate.campaign" })
        #expect(tag.action == .tag)
        #expect(tag.attributes["campaign"] == "c1")
        #expect(tag.attributes["contributors"] == "3")
        #expect(!third.findings.contains { $0.rule == "duplicate.copy" }, "a campaign copy is tagged once, as the campaign")
        let fourth = submit(rules, template, id: "c4", from: "dave", at: 180)
        #expect(fourth.findings.first { $0.rule == "duplicate.campaign" }?.attributes["campaign"] == "c1")
    }

    @Test("copies of one text do not make its sentences a common passage: an edited copy after an exact one is still a copy")
    func editedCopyAfterExactCopies() throws {
        let rules = try freshRules()
        let text = """
            The podiatry clinic in our town closed and the nearest one is two buses away. I am diabetic and need my feet \
            checked regularly. The staff are kind when you get there but getting there is the problem for older people like me.
            """
        #expect(submit(rules, text, id: "t1", from: "alice").findings.isEmpty)
        #expect(submit(rules, text, id: "t2", from: "bob", at: 60).findings.map(\.rule) == ["duplicate.copy"])
        // One word changed. Before, the two items holding each sentence made every sentence a
        // passage "others quote too" (a template's, a quoted question's), and the edited copy
        // was judged on its own words alone: no finding (for four of five one-word edits tried).
        let edited = submit(rules, text.replacingOccurrences(of: "older people", with: "elderly people"), id: "t3", from: "carol", at: 120)
        #expect(edited.findings.first { $0.rule == "duplicate.campaign" }?.attributes["contributors"] == "3", "\(edited.findings)")
    }

    @Test("half of a long text is its copy, found through the sentences it keeps; two sentences in common are not enough to look")
    func partialCopyOfLongText() throws {
        let sentences = [
            "After my hip operation the community physio team visited me at home twice a week.",
            "They were patient and encouraging, and set me exercises I could actually do.",
            "Six weeks later I was walking to the shops again and I cannot thank them enough.",
            "Getting an audiology appointment for my husband took nine long months last year.",
            "His hearing aids stopped working in January and he managed without them until October.",
            "He missed conversations with the grandchildren and felt cut off from everyone.",
        ]
        // A half shares too few shingles with the whole for the bands to find it reliably (they
        // missed one of these three), so it is found through its sentences.
        for (name, kept) in [("first half", [0, 1, 2]), ("every other", [0, 2, 4]), ("last half", [3, 4, 5])] {
            let rules = try freshRules()
            #expect(submit(rules, sentences.joined(separator: " "), id: "whole", from: "alice").findings.isEmpty)
            let half = submit(rules, kept.map { sentences[$0] }.joined(separator: " "), id: "half", from: "bob", at: 60)
            #expect(half.findings.first?.rule == "duplicate.copy", "\(name): \(half.findings)")
            #expect(half.findings.first?.attributes["duplicate_of"] == "whole", "\(name)")
        }
        // Two texts in the same plain words share two sentences by chance: the sentences lead
        // to no candidate (three are needed), and the bands do not meet them.
        let rules = try freshRules()
        _ = submit(rules, "I was referred to occupational therapy by my GP in October. The car park at the hospital costs four pounds fifty for two hours, which is a lot when you go twice a week. Please make it easier to get appointments.", id: "a", from: "alice")
        let other = submit(rules, "I was referred to occupational therapy by my GP in October. My appointment was at eight o'clock but we were seen at half past three. Please make it easier to get appointments.", id: "b", from: "bob", at: 60)
        #expect(other.findings.isEmpty, "\(other.findings)")
    }

    @Test("a copy cut off mid-sentence is a copy, before or after the whole; a sentence that only starts like the next one is words of one's own")
    func cutOffCopy() throws {
        let whole = "After my stroke the occupational therapist helped me get back to making my own meals, which meant the world to me. "
            + "She brought adapted cutlery and showed my husband how to set up the kitchen safely. "
            + "I only had six sessions though and I felt I needed more to be fully independent."
        // Cut 31 characters into its last sentence of 81, past its first sixteen: too little of
        // it is left to be the sentence edited.
        let cut = String(whole.prefix(whole.count - 50))
        for (first, second) in [(whole, cut), (cut, whole)] {
            let rules = try freshRules()
            #expect(submit(rules, first, id: "first", from: "alice").findings.isEmpty)
            let copy = submit(rules, second, id: "second", from: "bob", at: 60)
            #expect(copy.findings.first?.rule == "duplicate.copy", "\(copy.findings)")
            #expect(copy.findings.first?.attributes["duplicate_of"] == "first")
        }
        // The same two sentences, then one of the writer's own that starts as the original's third.
        let rules = try freshRules()
        _ = submit(rules, whole, id: "first", from: "alice")
        let own = submit(
            rules,
            "After my stroke the occupational therapist helped me get back to making my own meals, which meant the world to me. "
                + "She brought adapted cutlery and showed my husband how to set up the kitchen safely. "
                + "I only had six weeks of help with meals, then a carer came in three times a day, and my daughter does the shopping for us now.",
            id: "second", from: "bob", at: 60)
        #expect(own.findings.isEmpty, "\(own.findings)")
    }

    @Test("sentence marks keep their opening through storage; marks stored before openings decode with none, and none is never a cut; only an open end is")
    func sentenceMarkOpenings() {
        let marks = TextFingerprint("The physio was brilliant and kind. She rang me at home the next day to check.", shingle: 5, minWords: 5, keys: FingerprintKeys(hasher)).sentences
        #expect(marks.count == 2 && marks.allSatisfy { $0.prefix != 0 })
        let bytes = SentenceMark.encode(marks)
        #expect(bytes.withUnsafeBytes { SentenceMark.decode($0) } == marks)
        var old = bytes
        for record in 0..<marks.count { old[record * 16 + 6] = 0; old[record * 16 + 7] = 0 }
        let decoded = old.withUnsafeBytes { SentenceMark.decode($0) }
        #expect(decoded.allSatisfy { $0.prefix == 0 })
        var shorter = decoded[0]
        shorter.length = 5
        #expect(!shorter.startsLike(decoded[0]))
        // A cut needs the open end: the text's last sentence when it has no full stop.
        #expect(!marks[1].isOpenEnded)
        let open = TextFingerprint("The physio was brilliant and kind. She rang me at home the next", shingle: 5, minWords: 5, keys: FingerprintKeys(hasher)).sentences
        #expect(open.count == 2 && !open[0].isOpenEnded && open[1].isOpenEnded && open[0] == marks[0])
        #expect(open[1].startsLike(marks[1]) && !marks[1].startsLike(open[1]))
        var closed = open[1]
        closed.opening &= ~1
        #expect(!closed.startsLike(marks[1]))
    }

    @Test("a cut-off end too short for a prefix counts as cut only when the rest of its text is six times as long")
    func shortCutOffEnd() {
        let keys = FingerprintKeys(hasher)
        let whole = TextFingerprint("The physio at the Royal was great. I waited nine weeks for the first appointment though.", shingle: 5, minWords: 5, keys: keys).sentences
        // `Thanks a lot` (12 characters, no full stop) after 33 characters: too much of its own.
        let short = TextFingerprint("The physio at the Royal was great. Thanks a lot", shingle: 5, minWords: 5, keys: keys).sentences
        #expect(short[1].isOpenEnded && short[1].prefix == 0)
        #expect(!CopyJudge.isCutOff(short[1], of: whole[1], in: short))
        // `I waited` after two long sentences: the rest is most of it.
        let long = TextFingerprint(
            "The physio at the Royal was great and explained every exercise twice. She rang to check on me the week after. I waited",
            shingle: 5, minWords: 5, keys: keys).sentences
        let longWhole = TextFingerprint(
            "The physio at the Royal was great and explained every exercise twice. She rang to check on me the week after. I waited nine weeks for the first appointment though.",
            shingle: 5, minWords: 5, keys: keys).sentences
        #expect(CopyJudge.isCutOff(long[2], of: longWhole[2], in: long))
        // A finished sentence is never a cut one.
        #expect(!CopyJudge.isCutOff(longWhole[2], of: long[2], in: longWhole))
    }

    /// The kinds of the copies in `file` (pairs of an original and a copy) that are not found
    /// as copies of their original when each is sent alone after it.
    private func missedCopies(_ file: String) throws -> (count: Int, missed: [String]) {
        let pairs = try copyPairs(file)
        var missed: [String] = []
        for pair in pairs {
            let rules = try freshRules()
            #expect(submit(rules, pair.original, id: "original", from: "alice").findings.isEmpty)
            let copy = submit(rules, pair.copy, id: "copy", from: "bob", at: 60)
            if copy.findings.first(where: { $0.attributes["duplicate_of"] == "original" }) == nil { missed.append(pair.kind) }
        }
        return (pairs.count, missed)
    }

    @Test("hand-written copies, each sent alone after its original, are found: all cut-off ones, 125 of 128 in all")
    func handwrittenCopies() throws {
        // Tests/Fixtures/handwritten/copies.jsonl: eight texts written by hand (not from the
        // generator), each copied sixteen ways (cut at 60% and 80%, a sentence dropped, reordered,
        // a greeting added, capitals, lower case without punctuation, emoji, typos, synonyms,
        // merged with another text ...). 16 were missed before copies cut off were recognised,
        // 5 after, 3 once a sentence rewritten among edited ones was paired (docs/eval/duplicates.md).
        let (count, missed) = try missedCopies("copies.jsonl")
        #expect(count == 128)
        #expect(!missed.contains { $0.hasPrefix("truncate") }, "\(missed)")
        #expect(missed.count <= 3, "\(missed)")
    }

    @Test("more hand-written copies: one sentence rewritten in place, numbers changed, quoted, as a list: 95 of 96")
    func moreHandwrittenCopies() throws {
        // Tests/Fixtures/handwritten/copies-more.jsonl: six more texts written by hand, each copied
        // sixteen other ways (numbers changed or spelt out, American spelling, abbreviations,
        // quoted after `I agree`, as a list, as a quoted e-mail, in HTML, pasted twice, words
        // swapped, a sentence added at either end, two dropped, one rewritten in place). 8 were
        // missed before a sentence rewritten in place was paired, all six of those among them; 1
        // now (an abbreviated copy whose last sentence is edited twice).
        let (count, missed) = try missedCopies("copies-more.jsonl")
        #expect(count == 96)
        #expect(!missed.contains("one_rewritten"), "\(missed)")
        #expect(missed.count <= 1, "\(missed)")
    }

    @Test("hand-written copies reworded: typos, synonyms, shuffled, a person changed, a prefix: 93 of 96 or more")
    func rewordedHandwrittenCopies() throws {
        // Tests/Fixtures/handwritten/copies-reworded.jsonl: six more texts written by hand
        // (2026-12-04, late night), each copied sixteen ways (typos, sentences shuffled, lower
        // case without punctuation, the first half, a town or a prefix line before it, emoji,
        // line breaks, a word in eleven dropped, contractions, capitals, curly quotes, synonyms,
        // a sentence added in the middle, I made we, the last sentence cut). 5 were missed
        // before half the sentences, two or more of their own, let the rest pair by place; 3
        // after (typos in most sentences, words dropped, a prefix line run into the first).
        let (count, missed) = try missedCopies("copies-reworded.jsonl")
        #expect(count == 96)
        #expect(!missed.contains("synonyms") && !missed.contains("shuffled"), "\(missed)")
        #expect(missed.count <= 3, "\(missed)")
    }

    @Test("hand-written copies edited: reordered, cut to 60%, bullets, emoji, spelling, numbers, a short sentence with a word changed: 93 of 94 or more")
    func editedHandwrittenCopies() throws {
        // Tests/Fixtures/handwritten/copies-edited.jsonl: six texts written by hand (stop 34),
        // each copied twelve ways, and three campaign texts copied up to eight ways (we for I,
        // a personal line in the middle or on top, typos everywhere, numbers changed). One was
        // missed at the stop's start: two short sentences each with a word changed near its end
        // (`Parents like us feel totally abandoned`), which now pair by place and opening.
        let (count, missed) = try missedCopies("copies-edited.jsonl")
        #expect(count == 94)
        #expect(missed.count <= 1, "\(missed)")
    }

    @Test("hand-written campaign copies (retyped, templates filled in, bullets, HTML, petitions) are found, same-topic texts are not")
    func campaignHandwrittenCopies() throws {
        // Tests/Fixtures/handwritten/copies-campaigns.jsonl: five campaign texts written by hand
        // (stop 35), each copied four to eight ways, four short petitions copied three to five
        // ways, and one text on the same topic in other words for each (`not_*`, not copies).
        // Four copies were missed at the stop's start: one retyped with a slip in every sentence
        // (found now, `CopyJudge.retyped`); left: one with a personal paragraph and its first two
        // sentences merged into one, a petition's first sentence alone (a slogan), and a
        // two-sentence petition with a town put into its second.
        let (count, missed) = try missedCopies("copies-campaigns.jsonl")
        let notCopies = missed.filter { $0.hasPrefix("not_") }
        #expect(count == 55)
        #expect(notCopies.count == 9, "a text on the same topic was taken for a copy: \(missed)")
        #expect(!missed.contains("typos"), "\(missed)")
        #expect(missed.count - notCopies.count <= 3, "\(missed)")
    }

    @Test("the bound before the judge never turns away a copy the judge would find")
    func boundIsExact() throws {
        // Every ordered pair of the hand-written texts (originals and copies, so copies and
        // non-copies, cut ones, rewritten ones), with sentences in three or more texts common.
        let keys = FingerprintKeys(hasher)
        var texts: [String] = []
        for file in ["copies.jsonl", "copies-more.jsonl", "copies-reworded.jsonl"] {
            for pair in try copyPairs(file) {
                if texts.last != pair.original, !texts.contains(pair.original) { texts.append(pair.original) }
                texts.append(pair.copy)
            }
        }
        let prints = texts.map { TextFingerprint($0, shingle: 5, minWords: 5, keys: keys) }
        var holders: [UInt32: Int] = [:]
        for print in prints { for hash in Set(print.sentences.map(\.hash)) { holders[hash, default: 0] += 1 } }
        let judge = CopyJudge(ownShare: 0.05, nearIdentical: 0.85)
        let common = { (hash: UInt32) in (holders[hash] ?? 0) >= 3 }
        var (turnedAway, copies) = (0, 0)
        for (first, text) in prints.enumerated() {
            for (second, earlier) in prints.enumerated() where first != second {
                let estimate = Double(zip(text.signature, earlier.signature).filter { $0 == $1 }.count) / Double(text.signature.count)
                let measure = earlier.sentences.withUnsafeBufferPointer { judge.measure(text.sentences, $0, estimate: estimate, common: common) }
                let possible = text.sentences.withUnsafeBufferPointer { mine in
                    earlier.sentences.withUnsafeBufferPointer { judge.mayBeCopy(mine, $0, estimate: estimate, common: common) }
                }
                if judge.isCopy(measure, similarity: 0.01) {
                    copies += 1
                    #expect(possible, "turned away a copy: \(texts[first].prefix(60)) / \(texts[second].prefix(60))")
                } else if !possible {
                    turnedAway += 1
                }
            }
        }
        // The bound is worth having: it turns away most pairs that are not copies.
        #expect(copies > 1000)
        #expect(turnedAway > (prints.count * (prints.count - 1) - copies) / 2, "\(turnedAway)")
    }

    @Test("flood: the sixth item in a minute from one contributor is held")
    func flood() throws {
        let rules = try freshRules()
        let texts = ["First point about parking.", "Second point about the wait.", "Third point about staff.",
                     "Fourth point about letters.", "Fifth point about the phone line.", "Sixth point about everything."]
        let decisions = texts.enumerated().map { index, text in submit(rules, text, id: "f\(index)", at: Double(index * 5)).decision }
        #expect(decisions == [.accepted, .accepted, .accepted, .accepted, .accepted, .held])
    }

    @Test("two identical submissions at once: exactly one passes")
    func concurrentRepeats() async throws {
        let rules = try freshRules()
        let text = "Please keep the hydrotherapy pool open, it is the only exercise I can do."
        let decisions = await withTaskGroup(of: Decision.self) { group in
            for index in 0..<8 {
                group.addTask { submit(rules, text, id: "p\(index)", at: Double(index)).decision }
            }
            var all: [Decision] = []
            for await decision in group { all.append(decision) }
            return all
        }
        #expect(decisions.filter { $0 == .accepted }.count == 1)
        #expect(decisions.filter { $0 == .rejected }.count == 7)
    }

    @Test("a failing index holds the item (fail closed)")
    func failingIndex() throws {
        struct BrokenIndex: FingerprintIndex {
            struct Broken: Error {}
            func transaction<T>(_ body: (inout any FingerprintTransaction) throws -> T) throws -> T { throw Broken() }
        }
        let rules = try RuleSet.load(
            paths: [root.appendingPathComponent("rules/duplicate.yaml").path],
            environment: PluginEnvironment(fingerprints: BrokenIndex(), hasher: hasher))
        let verdict = submit(rules, "anything at all here", id: "z1")
        #expect(verdict.decision == .held)
        #expect(verdict.findings.contains { $0.category == "RULE_FAILURE" })
    }

    @Test("the memory index forgets items past its retention")
    func retention() throws {
        let index = MemoryFingerprintIndex(retention: 3_600)
        let rules = try freshRules(index: index)
        for number in 0..<10 { _ = submit(rules, "contribution number \(number) about the clinic", id: "r\(number)", at: Double(number) * 600) }
        // Items older than an hour before the newest (5,400 s) are gone: 0 (0 s) to 2 (1,200 s) … kept from 1,800 s.
        #expect(index.count == 7)
    }

    @Test("the memory index's tables hold only what is live: items past retention leave nothing behind")
    func tablesStayBounded() throws {
        let index = MemoryFingerprintIndex(retention: 3_600)
        // 20,000 different items, contributors and conversations over 20 hours, one every 3.6 s.
        var largest = 0
        for number in 0..<20_000 {
            let value = UInt64(number) &* 0x9E37_79B9_7F4A_7C15
            let fingerprint = StoredFingerprint(
                itemId: "t\(number)", contributor: value, conversation: "topic-\(number)",
                time: Date(timeIntervalSince1970: 1_790_000_000 + Double(number) * 3.6), exact: value,
                signature: (0..<64).map { UInt32(truncatingIfNeeded: value &+ UInt64($0)) },
                bands: (0..<16).map { value &+ UInt64($0) }, cluster: "t\(number)")
            try index.transaction { try $0.insert(fingerprint, joining: nil) }
            if number >= 5_000 { largest = max(largest, index.tableEntries) }
        }
        // An hour holds 1,000 items. Each has 16 band keys, an exact hash and its pairing with the
        // contributor, a contributor and a conversation: 20 entries. Between compactions up to as
        // many dead items again wait, so at most 2,000+1,025 items' worth, never 20,000.
        #expect(index.count == 1_001)
        #expect(largest <= 3_100 * 20, "\(largest) table entries")
    }

    @Test("exact hashes and band keys that share their low 32 bits stay apart: each lookup finds only its own item")
    func truncatedKeysCollide() throws {
        let index = MemoryFingerprintIndex()
        let time = Date(timeIntervalSince1970: 1_790_000_000)
        // Two items whose exact hashes, and every band key, agree in the low 32 bits the tables
        // key on; and whose signatures agree in no bin (so neither is similar to the other).
        func fingerprint(_ id: String, high: UInt64, offset: UInt32) -> StoredFingerprint {
            StoredFingerprint(
                itemId: id, contributor: 7, conversation: nil, time: time, exact: high << 32 | 0xABCD,
                signature: (0..<64).map { UInt32($0) &* 1_000 &+ offset }, bands: (0..<16).map { high << 32 | UInt64($0) },
                cluster: id)
        }
        let first = fingerprint("first", high: 1, offset: 1)
        let second = fingerprint("second", high: 2, offset: 2)
        try index.transaction { try $0.insert(first, joining: nil) }
        try index.transaction { try $0.insert(second, joining: nil) }
        try index.transaction { transaction in
            #expect(try transaction.items(exact: first.exact, since: time, limit: 16).map(\.itemId) == ["first"])
            #expect(try transaction.items(exact: second.exact, since: time, limit: 16).map(\.itemId) == ["second"])
            #expect(try transaction.latest(exact: first.exact, contributor: 7, since: time)?.itemId == "first")
            #expect(try transaction.items(exact: 3 << 32 | 0xABCD, since: time, limit: 16).isEmpty)
            // The band chain holds both; only the item similar to the query comes back.
            let similar = try transaction.items(similarTo: first.signature, bands: first.bands, sentences: first.sentences, atLeast: 0.5, since: time, limit: 64)
            #expect(similar.map(\.item.itemId) == ["first"])
            #expect(similar.first?.similarity == 1)
        }
    }

    @Test("bad duplicate rules are refused with the file, rule and key", arguments: [
        ("check: twice", "key 'check'", "exact_repeat, near_repeat, copy, campaign, flood"),
        ("description: x", "key 'check'", "is required"),
        ("check: flood", "key 'limit'", "needs limit"),
        ("check: exact_repeat\n    window: soon", "key 'window'", "duration"),
        ("check: flood\n    limit: 3\n    per: planet", "key 'per'", "contributor, conversation"),
    ])
    func badRules(body: String, key: String, message: String) throws {
        let yaml = "plugin: duplicate\nrules:\n  - id: bad.rule\n    description: d\n    category: DUPLICATE\n    \(body)\n"
            .replacingOccurrences(of: "    description: d\n    category: DUPLICATE\n    description: x", with: "    description: x\n    category: DUPLICATE")
        let pack = try RulePackLoader.parse(yaml, file: "bad.yaml")
        do {
            _ = try DuplicateSpamPlugin(packs: [pack], environment: PluginEnvironment())
            Issue.record("expected the rule to be refused")
        } catch let error as RulePackError {
            #expect(error.description.contains("rule 'bad.rule'"))
            #expect(error.description.contains(key), "\(error)")
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test("near-duplicate precision and recall on Tests/Fixtures/duplicate-pairs.jsonl")
    func labelledPairs() throws {
        let pairs = try LabelledPairs(file: root.appendingPathComponent("Tests/Fixtures/duplicate-pairs.jsonl").path)
        #expect(pairs.pairs.count >= 150)
        let index = MemoryFingerprintIndex()
        let rules = try freshRules(index: index)
        let report = pairs.measure { pair in
            index.reset()
            _ = submit(rules, pair.a, id: "a")
            return submit(rules, pair.b, id: "b", at: 60).findings.contains { $0.category == "DUPLICATE" }
        }
        #expect(report.overall.precision >= 0.95, "\(report.table)\n\(report.falsePositives.joined(separator: "\n"))")
        #expect(report.overall.recall >= 0.9, "\(report.table)\n\(report.falseNegatives.joined(separator: "\n"))")
    }
}


@Suite("Copies judged the same under any key")
struct KeyIndependenceTests {
    @Test("SipHash-2-4 gives the reference outputs (key 00..0f)")
    func sipHashVectors() {
        let sip = SipHash(k0: 0x0706_0504_0302_0100, k1: 0x0F0E_0D0C_0B0A_0908)
        let empty: [UInt8] = []
        #expect(empty.withUnsafeBufferPointer { sip.hash($0) } == 0x726F_DB47_DD0E_0E31)
        let fifteen = (0..<15).map { UInt8($0) }
        #expect(fifteen.withUnsafeBufferPointer { sip.hash($0) } == 0xA129_CA61_49BE_45E5)
        let eight = (0..<8).map { UInt8($0) }
        #expect(sip.hash(0x0706_0504_0302_0100) == eight.withUnsafeBufferPointer { sip.hash($0) })
    }

    @Test("one stream under two secret keys gives the same findings: those Tests/Fixtures/duplicate-stream.jsonl expects")
    func twoKeys() throws {
        let stream = try DuplicateStreamItem.load(root.appendingPathComponent("Tests/Fixtures/duplicate-stream.jsonl"))
        func findings(under secret: String) throws -> [[String]] {
            let rules = try RuleSet.load(
                paths: [root.appendingPathComponent("rules/duplicate.yaml").path],
                environment: PluginEnvironment(fingerprints: MemoryFingerprintIndex(), hasher: KeyedHasher(secret: Data(secret.utf8))))
            return stream.enumerated().map { number, item in
                submit(rules, item.text, id: "i\(number)", from: item.contributor, at: Double(number) * 3_600).findings.map {
                    "\($0.rule) \($0.attributes["duplicate_of"] ?? "")"
                }
            }
        }
        let first = try findings(under: "the first secret key, 32 bytes..")
        let second = try findings(under: "a second, quite different secret")
        #expect(first == second)
        // And they are the findings one expects: answers under one question are not copies.
        for (number, item) in stream.enumerated() {
            #expect(first[number].map { String($0.prefix { $0 != " " }) } == item.rules, "item \(number)")
            if let source = item.duplicateOf { #expect(first[number] == item.rules.map { "\($0) i\(source)" }, "item \(number)") }
        }
    }
}

/// One line of Tests/Fixtures/duplicate-stream.jsonl: a submission, the duplicate rules it must
/// fire, and the line it copies (when the rule names one).
struct DuplicateStreamItem: Decodable {
    var text: String
    var contributor: String?
    var rules: [String]
    var duplicateOf: Int?

    enum CodingKeys: String, CodingKey { case text, contributor, rules, duplicateOf = "duplicate_of" }

    static func load(_ url: URL) throws -> [DuplicateStreamItem] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(DuplicateStreamItem.self, from: Data($0.utf8))
        }
    }
}
