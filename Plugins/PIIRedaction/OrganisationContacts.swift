import Foundation

/// Contacts that belong to an organisation, not a person: analysts want them kept.
///
/// Each check takes the matched value's UTF-8 bytes and returns why it is an organisation's
/// (for `check --explain`), or nil when it may be personal. Named in a rule's `keep:` key.
enum OrganisationContacts {
    typealias Check = @Sendable (UnsafeBufferPointer<UInt8>) -> String?

    static let table: [String: Check] = [
        "organisation_email": organisationEmail,
        "organisation_phone": organisationPhone,
    ]

    /// Words that make a mailbox a role's or a team's (`pals@`, `physio.referrals@`,
    /// `england.contactus@`), matched as a whole part of the local part between `.`, `_`, `-`.
    static let roleParts: Set<String> = [
        "pals", "info", "information", "enquiries", "enquiry", "contact", "contactus", "admin", "administration", "office",
        "reception", "referrals", "referral", "complaints", "complaint", "feedback", "help", "helpdesk", "helpline",
        "support", "team", "bookings", "booking", "appointments", "appointment", "patientexperience", "experience",
        "patientrelations", "relations", "customerservices", "customerservice", "services", "service", "hello", "mail",
        "general", "noreply", "no-reply", "donotreply", "secretary", "secretaries", "communications", "comms", "press",
        "media", "safeguarding", "msk", "physio", "physiotherapy", "podiatry", "radiology", "radiography", "slt", "dietetics",
        "therapies", "therapy", "outpatients", "clinic", "department", "dept", "nhs", "england", "trust", "hub",
        "advice", "queries", "query", "access", "cancellations", "results", "spa", "triage", "rehab", "careers", "jobs",
        "hr", "finance", "accounts", "invoices", "governance", "foi", "dpo", "dataprotection", "ig", "webmaster",
        "liaison", "advocacy", "involvement", "engagement", "membership", "volunteers", "volunteering", "the",
    ]
    /// Longer role words also found inside a run-together local part (`patientexperience`).
    static let roleStems = ["enquir", "complaint", "feedback", "referral", "booking", "appointment", "reception",
                            "experience", "relations", "customerservice", "contactus", "helpdesk", "helpline",
                            "support", "safeguard", "secretar", "communication", "outpatient", "cancellation"]

    /// A mailbox whose local part names a role or a team rather than a person.
    static func organisationEmail(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard var local = localPart(bytes) else { return nil }
        // A +tag (jane.doe+physio@) is the owner's label, not a role.
        if let plus = local.firstIndex(of: "+") { local = String(local[..<plus]) }
        let parts = local.split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" }).map(String.init)
        if let part = parts.first(where: { roleParts.contains($0.filter(\.isLetter)) }) {
            return "organisation contact: the mailbox names a role or team ('\(part)')"
        }
        if let stem = roleStems.first(where: { local.contains($0) }) {
            return "organisation contact: the mailbox names a role or team ('\(stem)…')"
        }
        return nil
    }

    /// The local part of an address, lower-cased: before its `@`, or before a spelled-out `at`
    /// (`pals at nhs dot net`, `pals (at) nhs.net`) with each spelled-out `dot` read as `.`.
    static func localPart(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let text = String(decoding: bytes, as: UTF8.self).lowercased()
        if let at = text.firstIndex(of: "@") { return String(text[..<at]).trimmingCharacters(in: .whitespaces) }
        let words = text.split(separator: " ")
        guard let at = words.firstIndex(where: { $0 == "at" || $0 == "(at)" || $0 == "[at]" || $0.hasSuffix("(at)") || $0.hasSuffix("[at]") })
        else { return nil }
        var local = words[..<at].map { $0 == "dot" || $0 == "(dot)" || $0 == "[dot]" ? "." : String($0) }.joined()
        for marker in ["(at)", "[at]"] where words[at].hasSuffix(marker) && words[at].count > marker.count {
            local += words[at].dropLast(marker.count)
        }
        return local
    }

    /// A non-geographic number that organisations use (03, 080, 084, 087): helplines,
    /// switchboards, booking lines. Mobiles (07) and home numbers (01, 02) stay personal.
    static func organisationPhone(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        for byte in bytes where byte >= 0x30 && byte <= 0x39 { digits.append(byte - 0x30) }
        // Drop 44 or 0044 and make it national.
        if bytes.first == 0x2B || (digits.count > 2 && digits[0] == 0 && digits[1] == 0) {
            while digits.first == 0 { digits.removeFirst() }
            if digits.count > 2, digits[0] == 4, digits[1] == 4 { digits.removeFirst(2) }
            if digits.first == 0 { digits.removeFirst() }  // +44 (0)…
            digits.insert(0, at: 0)
        }
        guard digits.count >= 4, digits[0] == 0 else { return nil }
        switch (digits[1], digits[2]) {
        case (3, _): return "organisation contact: an 03 number (non-geographic, used by organisations)"
        case (8, 0), (8, 4), (8, 7): return "organisation contact: an 0\(digits[1])\(digits[2]) number (a helpline or switchboard)"
        default: return nil
        }
    }
}
