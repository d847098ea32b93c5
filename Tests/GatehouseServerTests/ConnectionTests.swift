import Foundation
import GatehouseServer
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Connections on a live server")
struct ConnectionTests {
    @Test("an idle connection is closed after limits.idle_seconds; the scheme name of the token is case-insensitive")
    func idleTimeout() async throws {
        let directory = try TemporaryDirectory()
        var configuration = testConfiguration(directory)
        // Not 1, nor 3: under the whole suite on two cores (with several gateway processes of the
        // shared-store tests beside it) the client's own first request has waited over three
        // seconds on its fresh connection, which the server then closed as idle.
        configuration.idleSeconds = 10
        let gateway = try Gateway(configuration: configuration)
        try await buildApplication(gateway: gateway).test(.live) { client in
            try await client.execute(uri: "/v1/contributions", method: .get, headers: [.authorization: "bearer \(tokens[.intake]!)"]) {
                #expect($0.status == .ok)
            }
            let port = try #require(client.port)
            #expect(await (try RawConnection(port: port)).isClosedWhenIdle(within: 40))
        }
    }
}
