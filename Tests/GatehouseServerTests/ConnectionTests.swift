import Foundation
import GatehouseServer
import Hummingbird
import HummingbirdTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Connections on a live server")
struct ConnectionTests {
    /// Opens a TCP connection to 127.0.0.1:`port`, sends nothing, and waits up to `seconds`
    /// for the server to close it. True if it did.
    func closedWhenIdle(port: Int, within seconds: Int) throws -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        // 0: the server closed the connection; -1 with EAGAIN: still open when the wait ran out.
        return recv(descriptor, &byte, 1, 0) == 0
    }

    @Test("an idle connection is closed after limits.idle_seconds; the scheme name of the token is case-insensitive")
    func idleTimeout() async throws {
        let directory = try TemporaryDirectory()
        var configuration = testConfiguration(directory)
        configuration.idleSeconds = 1
        let gateway = try Gateway(configuration: configuration)
        try await buildApplication(gateway: gateway).test(.live) { client in
            try await client.execute(uri: "/v1/contributions", method: .get, headers: [.authorization: "bearer \(tokens[.intake]!)"]) {
                #expect($0.status == .ok)
            }
            let port = try #require(client.port)
            #expect(try closedWhenIdle(port: port, within: 10))
        }
    }
}
