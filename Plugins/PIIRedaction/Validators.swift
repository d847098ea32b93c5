#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A check on a matched value beyond its shape: a check digit, a numbering plan, a real date.
/// Receives the value's UTF-8 bytes; returns true when the value is plausible.
public typealias Validator = @Sendable (UnsafeBufferPointer<UInt8>) -> Bool

/// The named validators a PII rule may ask for with `validator:`.
public enum Validators {
    /// Every validator by the name rule packs use.
    public static let table: [String: Validator] = [
        "luhn": luhn,
        "payment_card": paymentCard,
        "nhs_mod11": nhsMod11,
        "iban_mod97": ibanMod97,
        "ipv4": ipv4,
        "ipv6": ipv6,
        "ip_address": ipAddress,
        "uk_nino": ukNINO,
        "uk_postcode": ukPostcode,
        "uk_phone": ukPhone,
        "date": date,
        "dvla_licence": dvlaLicence,
        "uk_passport": ukPassport,
    ]

    /// The ASCII digits of `bytes`, ignoring everything else.
    static func digits(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        for byte in bytes where byte >= 0x30 && byte <= 0x39 { result.append(byte - 0x30) }
        return result
    }

    /// True when every digit is the same: `0000000000` passes many check digits and is never real.
    static func allSame(_ digits: [UInt8]) -> Bool {
        guard let first = digits.first else { return true }
        return digits.allSatisfy { $0 == first }
    }

    /// Payment card numbers: 13 to 19 digits and a valid Luhn check digit.
    public static let luhn: Validator = { bytes in luhnHolds(digits(bytes)) }

    private static func luhnHolds(_ digits: [UInt8]) -> Bool {
        guard (13...19).contains(digits.count), !allSame(digits) else { return false }
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if index % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    /// Payment card numbers as issued: a valid Luhn check digit, and a start and length that
    /// some card scheme issues (ISO/IEC 7812 issuer numbers): Visa 4 (13, 16 or 19 digits);
    /// Mastercard 51–55 and 2221–2720 (16); Maestro 50 and 56–69 (12–19); American Express 34,
    /// 37 (15); Diners Club 30, 36, 38, 39 (14–19); JCB 35 (16–19: issued from 3528, but test
    /// data uses all of 35) and 2131, 1800 (15); Discover 6011, 644–649 and 65, UnionPay 62
    /// (16–19); UATP 1 (15); RuPay 81, 82 (16). The Luhn check alone lets one number in ten
    /// through: `option 2 0044 7570 541129` (a phone number after a menu choice) read as the
    /// card 200447570541129.
    public static let paymentCard: Validator = { bytes in
        let digits = digits(bytes)
        guard luhnHolds(digits) else { return false }
        let count = digits.count
        func prefix(_ length: Int) -> Int { digits.prefix(length).reduce(0) { $0 * 10 + Int($1) } }
        switch Int(digits[0]) {
        case 1: return count == 15
        case 2: return (count == 16 && (2221...2720).contains(prefix(4))) || (count == 15 && prefix(4) == 2131)
        case 3:
            switch prefix(2) {
            case 34, 37: return count == 15
            case 35: return count >= 16
            case 30, 36, 38, 39: return count >= 14
            default: return false
            }
        case 4: return [13, 16, 19].contains(count)
        case 5: return (51...55).contains(prefix(2)) ? count == 16 : prefix(2) == 50 || prefix(2) >= 56
        case 6: return true
        case 8: return count == 16 && (81...82).contains(prefix(2))
        default: return false
        }
    }

    /// NHS numbers: 10 digits, weights 10 down to 2, check digit `11 - sum mod 11` (11 → 0; 10 is invalid).
    public static let nhsMod11: Validator = { bytes in
        let digits = digits(bytes)
        guard digits.count == 10, !allSame(digits) else { return false }
        var sum = 0
        for index in 0..<9 { sum += Int(digits[index]) * (10 - index) }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        return check != 10 && check == Int(digits[9])
    }

    /// IBAN lengths for the countries most likely to appear; others must be 15 to 34 characters.
    static let ibanLengths: [String: Int] = [
        "GB": 22, "IE": 22, "DE": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "PT": 25,
        "PL": 28, "CH": 21, "AT": 20, "DK": 18, "SE": 24, "NO": 15, "FI": 18, "LU": 20, "GR": 27,
        "GI": 23, "IM": 22, "JE": 22, "GG": 22,
    ]

    /// IBANs: the country's length and the ISO 13616 mod-97 check.
    public static let ibanMod97: Validator = { bytes in
        var chars: [UInt8] = []
        for byte in bytes where byte != 0x20 {
            chars.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
        }
        guard chars.count >= 15, chars.count <= 34 else { return false }
        let country = String(decoding: chars[0..<2], as: UTF8.self)
        if let length = ibanLengths[country], length != chars.count { return false }
        let rearranged = chars[4...] + chars[0..<4]
        var remainder = 0
        for char in rearranged {
            switch char {
            case 0x30...0x39:
                remainder = (remainder * 10 + Int(char - 0x30)) % 97
            case 0x41...0x5A:
                remainder = (remainder * 100 + Int(char - 0x41 + 10)) % 97
            default:
                return false
            }
        }
        return remainder == 1
    }

    /// IPv4 addresses: four octets 0–255, no leading zeros, not 0.0.0.0.
    public static let ipv4: Validator = { bytes in
        var octets = 0
        var value = 0
        var length = 0
        var leadingZero = false
        var total = 0
        for byte in bytes {
            if byte == 0x2E {
                guard length > 0 else { return false }
                octets += 1
                total += value
                value = 0
                length = 0
                continue
            }
            guard byte >= 0x30, byte <= 0x39 else { return false }
            if length == 0 { leadingZero = byte == 0x30 } else if leadingZero { return false }
            value = value * 10 + Int(byte - 0x30)
            length += 1
            guard value <= 255 else { return false }
        }
        guard length > 0 else { return false }
        total += value
        return octets == 3 && total > 0
    }

    /// IPv6 addresses, as the C library parses them, with at least two groups of digits.
    public static let ipv6: Validator = { bytes in
        var hexDigits = 0
        for byte in bytes where byte != 0x3A && byte != 0x2E { hexDigits += 1 }
        guard hexDigits >= 4, bytes.count <= 45 else { return false }
        var text = [CChar](repeating: 0, count: bytes.count + 1)
        for (index, byte) in bytes.enumerated() { text[index] = CChar(bitPattern: byte) }
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    /// Either kind of IP address: IPv6 when it has a colon, IPv4 otherwise.
    public static let ipAddress: Validator = { bytes in
        bytes.contains(0x3A) ? ipv6(bytes) : ipv4(bytes)
    }

    /// National Insurance numbers: HMRC's prefix rules (no D, F, I, Q, U, V; no O second; not
    /// BG, GB, KN, NK, NT, TN, ZZ) and a suffix A–D.
    public static let ukNINO: Validator = { bytes in
        var letters: [UInt8] = []
        for byte in bytes where byte != 0x20 && byte != 0x2D {
            letters.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
        }
        guard letters.count == 9 else { return false }
        let forbidden: Set<UInt8> = Set("DFIQUV".utf8)
        let first = letters[0]
        let second = letters[1]
        guard !forbidden.contains(first), !forbidden.contains(second), second != UInt8(ascii: "O") else { return false }
        let prefix = String(decoding: letters[0..<2], as: UTF8.self)
        guard !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(prefix) else { return false }
        return (UInt8(ascii: "A")...UInt8(ascii: "D")).contains(letters[8])
    }

    /// The UK postcode areas (the letters before the first digit).
    static let postcodeAreas: Set<String> = [
        "AB", "AL", "B", "BA", "BB", "BD", "BF", "BH", "BL", "BN", "BR", "BS", "BT", "BX", "CA", "CB", "CF",
        "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY",
        "E", "EC", "EH", "EN", "EX", "FK", "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG", "HP", "HR", "HS",
        "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L", "LA", "LD", "LE", "LL",
        "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX",
        "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK", "SL", "SM",
        "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW",
        "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE", "GIR",
    ]

    /// Postcodes: a real postcode area, and not a lower-case ordinal read as an inward code
    /// (`e1 2nd` is an address in a sentence, not a postcode).
    public static let ukPostcode: Validator = { bytes in
        var area: [UInt8] = []
        for byte in bytes {
            guard (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) else { break }
            area.append(byte & 0xDF)
        }
        guard postcodeAreas.contains(String(decoding: area, as: UTF8.self)) else { return false }
        let trimmed = Array(bytes.filter { $0 != 0x20 })
        guard trimmed.count >= 5 else { return false }
        // An ordinal after a space is a floor or a date (`e1 2nd`, `M1 1st`); run together
        // (`b338th`) it is a postcode typed in a hurry.
        guard trimmed.count < bytes.count else { return true }
        let suffix = String(decoding: trimmed[(trimmed.count - 2)...], as: UTF8.self)
        return !["st", "nd", "rd", "th"].contains(suffix)
    }

    /// UK telephone numbers, by the numbering plan: the national form (leading 0) must have the
    /// length its prefix allows. 04 and 06 are not in use.
    public static let ukPhone: Validator = { bytes in
        var digits = digits(bytes)
        // +44 or 0044: drop the country code and put back the trunk 0. A "(0)" after it is dropped too.
        let text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("+44") || text.hasPrefix("0044") {
            digits.removeFirst(text.hasPrefix("+") ? 2 : 4)
            if text.contains("(0)") { digits.removeFirst() }
            digits.insert(0, at: 0)
        }
        guard digits.first == 0, digits.count >= 10, digits.count <= 11, !allSame(Array(digits.dropFirst())) else {
            return false
        }
        let national = digits.map { String($0) }.joined()
        switch digits[1] {
        case 1:
            return digits.count == 11 || national.hasPrefix("016977")
        case 2, 3, 7, 9:
            return digits.count == 11
        case 5:
            return digits.count == 11 || national.hasPrefix("0500")
        case 8:
            return digits.count == 11 || national.hasPrefix("0800") || national.hasPrefix("0808")
        default:
            return false
        }
    }

    static let monthNames: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
        "oct": 10, "nov": 11, "dec": 12,
    ]

    /// Dates written with numbers (`12/03/1985`, `12.3.85`, `19850312`) or a month name (`12 March
    /// 1985`, `March 12th, 1985`): a real day of a real month, a year from 1900 to 2099.
    public static let date: Validator = { bytes in
        var numbers: [Int] = []
        var month: Int?
        var word: [UInt8] = []
        var number: Int?
        func flush() {
            if let value = number { numbers.append(value) }
            number = nil
            if word.count >= 3, month == nil {
                month = monthNames[String(decoding: word.prefix(3), as: UTF8.self)]
            }
            word.removeAll(keepingCapacity: true)
        }
        for byte in bytes {
            switch byte {
            case 0x30...0x39:
                if !word.isEmpty { flush() }
                number = (number ?? 0) * 10 + Int(byte - 0x30)
            case 0x41...0x5A, 0x61...0x7A:
                if number != nil { flush() }
                word.append(byte | 0x20)
            default:
                flush()
            }
        }
        flush()
        let day: Int
        let monthNumber: Int
        var year: Int
        if let month {
            guard numbers.count == 2 else { return false }
            (day, monthNumber, year) = (numbers[0], month, numbers[1])
        } else if numbers.count == 1 {
            // Eight digits together: 19850312 (a year first) or 12031985.
            guard bytes.count(where: { $0 &- 0x30 < 10 }) == 8 else { return false }
            let value = numbers[0]
            (day, monthNumber, year) = value / 10_000 >= 1900 && value / 10_000 <= 2099
                ? (value % 100, value / 100 % 100, value / 10_000) : (value / 1_000_000, value / 10_000 % 100, value % 10_000)
        } else {
            guard numbers.count == 3 else { return false }
            // ISO order (1985-03-12) when the first number can only be a year.
            (day, monthNumber, year) = numbers[0] > 31
                ? (numbers[2], numbers[1], numbers[0]) : (numbers[0], numbers[1], numbers[2])
        }
        if year < 100 { year += year <= 29 ? 2000 : 1900 }
        guard (1900...2099).contains(year), (1...12).contains(monthNumber) else { return false }
        let lengths = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day >= 1 && day <= lengths[monthNumber - 1]
    }

    /// DVLA driving licence numbers: 5 surname characters, then the date of birth coded as
    /// decade, month (plus 50 for women), day and year digit; then initials, a digit, two check
    /// characters.
    public static let dvlaLicence: Validator = { bytes in
        let chars = Array(bytes.filter { $0 != 0x20 }.prefix(16))
        guard chars.count == 16 else { return false }
        func digit(_ index: Int) -> Int? {
            let byte = chars[index]
            return byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
        }
        guard let m1 = digit(6), let m2 = digit(7), let d1 = digit(8), let d2 = digit(9) else { return false }
        var month = m1 * 10 + m2
        if month > 50 { month -= 50 }
        let day = d1 * 10 + d2
        // The surname part is letters padded with 9s: it must start with a letter.
        let first = chars[0] | 0x20
        return (1...12).contains(month) && (1...31).contains(day) && first >= 0x61 && first <= 0x7A
    }

    /// UK passport numbers: nine digits, not all the same.
    public static let ukPassport: Validator = { bytes in
        let digits = digits(bytes)
        return digits.count == 9 && !allSame(digits)
    }
}
