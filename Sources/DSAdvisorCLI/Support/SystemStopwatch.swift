import Foundation
import Simulation

extension Stopwatch {
    /// The machine's monotonic clock and this thread's CPU clock: for the demo modes that
    /// measure speed, in runs someone asked to see (never under `check`).
    static let system = Stopwatch {
        var wall = timespec(), cpu = timespec()
        clock_gettime(CLOCK_MONOTONIC, &wall)
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu)
        return (UInt64(wall.tv_sec) * 1_000_000_000 + UInt64(wall.tv_nsec),
                UInt64(cpu.tv_sec) * 1_000_000_000 + UInt64(cpu.tv_nsec))
    }
}
