import Crypto
import Foundation

/// The content hash of a rule set: SHA-256 over every file under its paths (the packs and the
/// data files beside them, such as gazetteers), each with its name relative to its path, in
/// sorted order. Two gateways or two runs with the same version judge with the same rules.
public enum RuleSetVersion {
    /// The first 12 hex digits of the hash: what `--version`, logs and reports show.
    public static let displayLength = 12

    /// The full hex SHA-256 of the files under `paths`. Hidden files are skipped.
    public static func digest(paths: [String]) throws -> String {
        var hasher = SHA256()
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw RulePackError(file: path, message: "no such file or directory")
            }
            var files: [(name: String, path: String)] = []
            if isDirectory.boolValue {
                guard let enumerator = manager.enumerator(atPath: path) else {
                    throw RulePackError(file: path, message: "cannot read directory")
                }
                for case let relative as String in enumerator {
                    let full = (path as NSString).appendingPathComponent(relative)
                    var childIsDirectory: ObjCBool = false
                    guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }),
                          manager.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue
                    else { continue }
                    files.append((relative, full))
                }
            } else {
                files.append(((path as NSString).lastPathComponent, path))
            }
            for file in files.sorted(by: { $0.name < $1.name }) {
                guard let data = manager.contents(atPath: file.path) else {
                    throw RulePackError(file: file.path, message: "cannot read")
                }
                hasher.update(data: Data(file.name.utf8))
                hasher.update(data: Data([0]))
                hasher.update(data: Data(String(data.count).utf8))
                hasher.update(data: Data([0]))
                hasher.update(data: data)
            }
        }
        return hasher.finalize().withUnsafeBytes { Hex.string($0) }
    }
}
