// swift-tools-version:6.0
import PackageDescription

// Layers, bottom to top:
//   CPCRE2 → PCRE2                       regex engine (system libpcre2-8, JIT)
//   GatehouseCore                        model, plugin protocol, pipeline, rule packs
//   Plugins/*                            rule plugins: depend on the core and PCRE2 only
//   GatehouseRuntime                     the standard plugin registry and rule-set loading
//   GatehouseStorage                     SQLite (GRDB, WAL): items, review queue, audit log, fingerprints
//   GatehouseServer                      the HTTP gateway (Hummingbird 2): routes, roles, limits
//   GatehouseCLI → gatehouse             commands (thin executable on top)
let package = Package(
    name: "Gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        .executable(name: "gatehouse-bench", targets: ["GatehouseBench"]),
        .executable(name: "gatehouse-fuzz", targets: ["GatehouseFuzz"]),
        .library(name: "GatehouseCore", targets: ["GatehouseCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // The shared store when several gateways run on one PostgreSQL (GatehousePostgres).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // Already in the graph through Hummingbird; named for the maintenance service's graceful shutdown.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        // Already in the graph through Hummingbird; named for header names it does not export
        // (Referrer-Policy, X-Accel-Buffering on the review event stream).
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        // NIOCore and NIOHTTPTypes (already under Hummingbird) for one channel handler of our
        // own: the request body deadline.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.25.0"),
        // Test only: a client generated from docs/openapi.yaml at build time drives the real
        // server, so the document and the server cannot drift apart (GatehouseAPIClientTests).
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            path: "Sources/CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        .target(name: "PCRE2", dependencies: ["CPCRE2"]),
        .target(
            name: "GatehouseCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "PIIRedaction",
            dependencies: ["GatehouseCore", "PCRE2"],
            path: "Plugins/PIIRedaction"
        ),
        .target(
            name: "Profanity",
            dependencies: ["GatehouseCore"],
            path: "Plugins/Profanity"
        ),
        .target(
            name: "DuplicateSpam",
            dependencies: ["GatehouseCore"],
            path: "Plugins/DuplicateSpam"
        ),
        .target(
            name: "GatehouseRuntime",
            dependencies: ["GatehouseCore", "PIIRedaction", "Profanity", "DuplicateSpam", "PCRE2"]
        ),
        .target(
            name: "GatehouseStorage",
            dependencies: [
                "GatehouseCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "GatehousePostgres",
            dependencies: [
                "GatehouseCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The one place that knows both backends: opens the stores a configuration names.
        .target(
            name: "GatehouseStores",
            dependencies: ["GatehouseCore", "GatehouseStorage", "GatehousePostgres", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "GatehouseServer",
            dependencies: [
                "GatehouseCore", "GatehouseRuntime", "GatehouseStores",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The review page: HTML, CSS and JavaScript served as they are.
            resources: [.copy("Resources/review"), .copy("Resources/playground"), .copy("Resources/shared")]
        ),
        .target(
            name: "GatehouseCLI",
            dependencies: [
                "GatehouseCore", "GatehouseRuntime", "GatehouseServer", "GatehouseStorage", "GatehouseStores", "PCRE2",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(name: "gatehouse", dependencies: ["GatehouseCLI"]),
        .executableTarget(
            name: "GatehouseBench",
            dependencies: ["GatehouseCore", "GatehouseRuntime", "PIIRedaction", "Profanity", "DuplicateSpam", "PCRE2"]
        ),
        // libFuzzer targets (scripts/fuzz builds them with -sanitize=fuzzer,address).
        .executableTarget(name: "GatehouseFuzz", dependencies: ["GatehouseCore", "GatehouseRuntime"]),
        .testTarget(name: "PCRE2Tests", dependencies: ["PCRE2"]),
        .testTarget(name: "GatehouseCoreTests", dependencies: ["GatehouseCore", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "PIIRedactionTests", dependencies: ["PIIRedaction", "GatehouseCore", "GatehouseRuntime"]),
        .testTarget(name: "ProfanityTests", dependencies: ["Profanity", "GatehouseCore", "GatehouseRuntime"]),
        .testTarget(name: "DuplicateSpamTests", dependencies: ["DuplicateSpam", "GatehouseCore", "GatehouseRuntime"]),
        .testTarget(name: "GatehouseStorageTests", dependencies: ["GatehouseStorage", "GatehouseCore", "GatehouseRuntime"]),
        .testTarget(
            name: "GatehouseServerTests",
            dependencies: [
                "GatehouseServer", "GatehouseStorage", "GatehouseCore", "GatehouseRuntime", "GatehouseTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "GatehouseAPIClientTests",
            dependencies: [
                "GatehouseServer", "GatehouseCore",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // What the tests that need a real PostgreSQL server share: the server, a database each.
        .target(
            name: "GatehouseTestSupport",
            dependencies: ["GatehouseCore", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log")],
            path: "Tests/Support"
        ),
        // One suite of store tests run against both backends, and several real gateway processes
        // on one real PostgreSQL server.
        .testTarget(
            name: "GatehouseSharedStoreTests",
            dependencies: [
                "GatehouseStores", "GatehouseStorage", "GatehousePostgres", "GatehouseCore", "GatehouseRuntime", "GatehouseTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(name: "GatehouseCLITests", dependencies: ["GatehouseCLI", "GatehouseRuntime", "GatehouseCore", "PIIRedaction"]),
    ]
)
