import Foundation

/// Finds the shipped rule packs when no path is given, so that the binary works from any
/// working directory.
///
/// In order: the paths given (`--rules` or the configuration's `rules:`), then
/// `$GATEHOUSE_RULES` (colon-separated), then `./rules`, then the packs installed beside the
/// binary (`<bin>/../share/gatehouse/rules`, then `<bin>/rules`), then the `rules/` directory of
/// the checkout the binary was built from. The first that exists wins, and the answer says
/// which it was, so every command can tell its user which packs it loaded.
public struct RulePackLocator: Sendable {
    /// Where a set of rule paths came from.
    public struct Found: Sendable, Equatable {
        /// The paths to load.
        public var paths: [String]
        /// Where they came from, for a person: `--rules`, `$GATEHOUSE_RULES`, `./rules`,
        /// `installed beside the binary`, `the source checkout`.
        public var source: String

        public init(paths: [String], source: String) {
            self.paths = paths
            self.source = source
        }
    }

    /// The variable that names rule paths, colon-separated.
    public static let environmentVariable = "GATEHOUSE_RULES"

    var environment: [String: String]
    var workingDirectory: String
    var executablePath: String?
    var checkoutRules: String?

    /// A locator for this process: its environment, working directory and executable.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = RulePackLocator.currentExecutable(),
        checkoutRules: String? = RulePackLocator.checkoutRulesDirectory
    ) {
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.executablePath = executablePath
        self.checkoutRules = checkoutRules
    }

    /// The rule paths to load given the explicit ones (possibly none), and where they came from.
    /// Explicit paths and `$GATEHOUSE_RULES` are returned as given, existing or not, so that a
    /// wrong path is an error rather than a silent fallback to other packs.
    public func locate(explicit: [String], explicitSource: String = "--rules") -> Found {
        if !explicit.isEmpty { return Found(paths: explicit, source: explicitSource) }
        if let value = environment[Self.environmentVariable], !value.isEmpty {
            return Found(paths: value.split(separator: ":").map(String.init), source: "$\(Self.environmentVariable)")
        }
        for (candidate, source) in fallbacks() where Self.isDirectory(candidate) {
            return Found(paths: [candidate], source: source)
        }
        // Nothing found: name the conventional place, so the error says what was looked for.
        return Found(paths: ["rules"], source: "./rules")
    }

    /// The places searched when nothing is given, in order.
    public func fallbacks() -> [(path: String, source: String)] {
        var candidates: [(String, String)] = [((workingDirectory as NSString).appendingPathComponent("rules"), "./rules")]
        if let executablePath {
            let directory = ((Self.resolvingLinks(executablePath)) as NSString).deletingLastPathComponent
            candidates.append((Self.standardised((directory as NSString).appendingPathComponent("../share/gatehouse/rules")),
                               "installed beside the binary"))
            candidates.append(((directory as NSString).appendingPathComponent("rules"), "installed beside the binary"))
        }
        if let checkoutRules { candidates.append((checkoutRules, "the source checkout")) }
        return candidates
    }

    /// The running executable's path, from `/proc/self/exe` where there is one.
    public static func currentExecutable() -> String? {
        if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return link }
        return CommandLine.arguments.first.map { ($0 as NSString).isAbsolutePath ? $0 : Self.standardised(
            (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent($0)) }
    }

    /// `rules/` of the checkout this file was compiled in (…/Sources/GatehouseRuntime/ → …/rules).
    public static let checkoutRulesDirectory: String? = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("rules").path
    }()

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func standardised(_ path: String) -> String { (path as NSString).standardizingPath }

    static func resolvingLinks(_ path: String) -> String { (path as NSString).resolvingSymlinksInPath }
}
