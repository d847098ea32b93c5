import Testing
@testable import PIIRedaction

@Suite("Validators")
struct ValidatorsTests {
    private func check(_ name: String, _ value: String) -> Bool {
        let validator = Validators.table[name]!
        var text = value
        return text.withUTF8 { validator($0) }
    }

    @Test("nhs_mod11", arguments: [
        ("943 476 5919", true), ("9434765919", true), ("401-023-2137", true), ("6163925475", true),
        ("943 476 5918", false), ("0000000000", false), ("1111111111", false), ("94347659", false),
    ])
    func nhsMod11(value: String, valid: Bool) {
        #expect(check("nhs_mod11", value) == valid)
    }

    @Test("nhs_mod11 refuses a check digit of 10, whatever the last digit")
    func nhsCheckDigitTen() {
        // 000000040x: weighted sum 4 * 3 = 12, 12 mod 11 = 1, 11 - 1 = 10: never a valid number.
        for last in 0...9 {
            #expect(!check("nhs_mod11", "000000040\(last)"))
        }
        // 000000001x: sum 1 * 2 = 2, check digit 11 - 2 = 9.
        #expect(check("nhs_mod11", "0000000019"))
        #expect(!check("nhs_mod11", "0000000018"))
    }

    @Test("luhn", arguments: [
        ("4111 1111 1111 1111", true), ("5555-5555-5555-4444", true), ("378282246310005", true),
        ("4111 1111 1111 1112", false), ("0000 0000 0000 0000", false), ("4111 1111", false),
    ])
    func luhn(value: String, valid: Bool) {
        #expect(check("luhn", value) == valid)
    }

    @Test("payment_card: Luhn, and a start and length some scheme issues", arguments: [
        ("4111 1111 1111 1111", true), ("4222222222222", true), ("5555-5555-5555-4444", true), ("2223 0000 4840 0011", true),
        ("378282246310005", true), ("3782 822463 10005", true), ("6011111111111117", true), ("30569309025904", true),
        ("3530111333300000", true), ("6200000000000005", true), ("6759 6498 2643 8453", true), ("5018000000000009", true),
        // Luhn passes, no scheme issues it: a 20… number, a 16-digit 1…, Amex's start at 16 digits, 7… and 9….
        ("2 0044 7570 541129", false), ("1234567890123452", false), ("3400000000000000", false),
        ("7000000000000005", false), ("9000000000000001", false), ("4111 1111 1111 1112", false),
    ])
    func paymentCard(value: String, valid: Bool) {
        #expect(check("payment_card", value) == valid)
    }

    @Test("iban_mod97", arguments: [
        ("GB82 WEST 1234 5698 7654 32", true), ("GB82WEST12345698765432", true), ("DE89 3704 0044 0532 0130 00", true),
        ("IE29 AIBK 9311 5212 3456 78", true), ("GB82 WEST 1234 5698 7654 33", false),
        ("GB82 WEST 1234 5698 7654", false), ("gb82 west 1234 5698 7654 32", true),
    ])
    func ibanMod97(value: String, valid: Bool) {
        #expect(check("iban_mod97", value) == valid)
    }

    @Test("ipv4 and ipv6", arguments: [
        ("ipv4", "192.168.1.24", true), ("ipv4", "81.2.69.160", true), ("ipv4", "256.1.1.1", false),
        ("ipv4", "01.2.3.4", false), ("ipv4", "0.0.0.0", false), ("ipv4", "1.2.3", false),
        ("ipv6", "2001:db8::8a2e:370:7334", true), ("ipv6", "fe80::1ff:fe23:4567:890a", true),
        ("ipv6", "10:30:45", false), ("ipv6", "::", false), ("ipv6", "2001:db8:::1", false),
        ("ip_address", "10.0.0.1", true), ("ip_address", "2001:db8::1", true),
    ])
    func ipAddresses(name: String, value: String, valid: Bool) {
        #expect(check(name, value) == valid)
    }

    @Test("uk_nino prefix and suffix rules", arguments: [
        ("AB 12 34 56 C", true), ("JG103759A", true), ("QQ123456C", false), ("GB123456A", false),
        ("NK123456A", false), ("AO123456A", false), ("AB123456E", false), ("DA123456A", false),
    ])
    func ukNINO(value: String, valid: Bool) {
        #expect(check("uk_nino", value) == valid)
    }

    @Test("uk_postcode areas and ordinals", arguments: [
        ("SW1A 1AA", true), ("m1 1ae", true), ("EC1A1BB", true), ("B33 8TH", true), ("GIR 0AA", true),
        ("QQ1 1AA", false), ("e1 2nd", false), ("XY1 1AA", false),
    ])
    func ukPostcode(value: String, valid: Bool) {
        #expect(check("uk_postcode", value) == valid)
    }

    @Test("uk_phone numbering plan", arguments: [
        ("07700 900123", true), ("+44 7700 900123", true), ("+44 (0)20 7946 0958", true), ("0044 20 7946 0958", true),
        ("0161 496 0000", true), ("0300 123 4567", true), ("0800 123 456", true), ("016977 1234", true),
        ("0123456789", false), ("0400 123 4567", false), ("0612 345 6789", false), ("07700 90012", false),
        ("0777 777 7777", false),
    ])
    func ukPhone(value: String, valid: Bool) {
        #expect(check("uk_phone", value) == valid)
    }

    @Test("date", arguments: [
        ("12/03/1985", true), ("4.7.19", true), ("1985-03-12", true), ("3rd March 1985", true),
        ("March 12th, 1950", true), ("29/02/2000", true), ("29/02/1900", false), ("31/04/1985", false),
        ("12/13/1985", false), ("12/03/1850", false),
    ])
    func date(value: String, valid: Bool) {
        #expect(check("date", value) == valid)
    }

    @Test("dvla_licence", arguments: [
        ("MORGA753116SM9IJ", true), ("JONES710238A99AB", true), ("MORGA759916SM9IJ", false),
        ("MORGA753196SM9IJ", true), ("MORGA753006SM9IJ", false), ("99999753116SM9IJ", false),
    ])
    func dvlaLicence(value: String, valid: Bool) {
        #expect(check("dvla_licence", value) == valid)
    }

    @Test("uk_passport")
    func ukPassport() {
        #expect(check("uk_passport", "925665416"))
        #expect(!check("uk_passport", "111111111"))
        #expect(!check("uk_passport", "12345678"))
    }
}
