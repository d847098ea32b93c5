import Foundation

/// Finds a key that one JSON object holds twice.
///
/// JSON parsers disagree on `{"text": "a", "text": "b"}`: Foundation's keeps the last value, many
/// filters check the first. A gateway behind such a filter would judge text the filter never
/// saw, so a submission with a repeated key is refused. Keys are compared after their escapes
/// are decoded (`"te\u0078t"` is `text`) and as Swift strings, the way the parsed dictionary
/// compares them.
enum DuplicateKeys {
    /// The first key found twice in one object of `json`, which must be valid JSON (it is
    /// read after the parser accepted it).
    static func first(in json: UnsafeBufferPointer<UInt8>) -> String? {
        // One entry per open container: the keys seen so far for an object, nil for an array;
        // and whether the next string in that object is a key.
        var keys: [Set<String>?] = []
        var expectingKey = false
        var index = 0
        while index < json.count {
            let byte = json[index]
            switch byte {
            case UInt8(ascii: "{"):
                keys.append([])
                expectingKey = true
            case UInt8(ascii: "["):
                keys.append(nil)
                expectingKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !keys.isEmpty { keys.removeLast() }
                expectingKey = false
            case UInt8(ascii: ","):
                expectingKey = keys.last.map { $0 != nil } ?? false
            case UInt8(ascii: "\""):
                let start = index
                var escaped = false
                index += 1
                while index < json.count {
                    if json[index] == UInt8(ascii: "\\") {
                        escaped = true
                        index += 2
                        continue
                    }
                    if json[index] == UInt8(ascii: "\"") { break }
                    index += 1
                }
                if expectingKey, keys.last != nil {
                    let literal = UnsafeBufferPointer(rebasing: json[start..<min(index + 1, json.count)])
                    let key = escaped ? decode(literal) : String(decoding: literal.dropFirst().dropLast(), as: UTF8.self)
                    if !keys[keys.count - 1]!.insert(key).inserted { return key }
                    expectingKey = false
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// A string literal with escapes, decoded by the JSON parser.
    private static func decode(_ literal: UnsafeBufferPointer<UInt8>) -> String {
        (try? JSONSerialization.jsonObject(with: Data(literal), options: [.fragmentsAllowed])) as? String
            ?? String(decoding: literal, as: UTF8.self)
    }
}
