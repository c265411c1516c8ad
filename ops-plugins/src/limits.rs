//! Sandbox limits.

use std::path::PathBuf;
use std::time::Duration;

/// What one plugin may use in one call. On by default; every field can be
/// changed per plugin.
///
/// Not to be confused with [`ops_core::LoadLimits`], the caps on reading
/// inventory files: programs embedding both crates import both.
///
/// ```
/// use std::time::Duration;
/// use ops_plugins::PluginLimits;
/// let mut limits = PluginLimits::default();
/// assert_eq!(limits.cpu_time, Duration::from_secs(1));
/// assert_eq!(limits.memory, 64 << 20);
/// limits.cpu_time = Duration::from_millis(200);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PluginLimits {
    /// Wall-clock time the plugin may spend in one call (`metadata` or `run`,
    /// its instantiation and initialisers included), measured in epoch ticks
    /// of the host (see [`HostConfig::epoch_tick`](crate::HostConfig::epoch_tick)),
    /// so it is enforced to within one tick in wasm code. Time in host calls
    /// counts too: each checks the deadline when it starts and when it ends,
    /// and the host's analyses (`simulate`, `blast-radius`, `domain-spofs`)
    /// stop at it part way, every few thousand components (`spofs-of-each`
    /// between the components it is asked about). Default 1 s.
    pub cpu_time: Duration,
    /// Bytes of linear memory, all memories of the plugin together. Growing
    /// past it traps. Default 64 MiB; a pooling host caps it at
    /// [`Pooling::max_memory`].
    ///
    /// It is also the per-call copy cap: the bytes the host copies out of the
    /// plugin's memory in one host call's arguments, or in `run`'s result
    /// (wasmtime's hostcall fuel, whose own default is 128 MiB). A plugin
    /// passing one buffer as two arguments, or one string in every finding,
    /// cannot make the host copy more than it can hold itself.
    ///
    /// And it caps the answers of the batched queries (`component-briefs`,
    /// `ids-of`, `spofs-of-each`), counted as the plugin would hold them
    /// while the host builds them: an index given a million times cannot
    /// make the host build more than the plugin could receive.
    pub memory: usize,
    /// Elements of all tables together. Default 100,000.
    pub table_elements: usize,
    /// Findings one run may return. Default 10,000.
    pub max_findings: usize,
    /// Bytes of any one string in a finding (message, remediation, subject id,
    /// rule id). Default 4 KiB.
    pub max_string_len: usize,
    /// Bytes of one finding's evidence JSON. Default 64 KiB.
    pub max_evidence_len: usize,
    /// JSON values in one finding's evidence, counting objects, arrays,
    /// keys and scalars: parsing stops past it, so a short text cannot
    /// expand into a large tree (`[0,0,0,...]` is a 32-byte value per two
    /// bytes of text). Default 4,096.
    pub max_evidence_nodes: usize,
    /// Bytes the host may hold for one run's output, counted as it holds
    /// them: each finding's record and strings, its evidence as the parsed
    /// JSON tree (not its text), and the log messages kept. Past it the run
    /// fails with a resource-limit error naming the plugin; parsing stops
    /// as soon as it is spent. Default 16 MiB.
    pub max_output_bytes: usize,
    /// Log messages kept per call (more are dropped), each cut to
    /// `max_string_len` bytes: the host copies the cut prefix and drops the
    /// rest, and charges what it keeps to `max_output_bytes`. Default 100.
    pub max_log_messages: usize,
}

impl Default for PluginLimits {
    fn default() -> Self {
        PluginLimits {
            cpu_time: Duration::from_secs(1),
            memory: 64 << 20,
            table_elements: 100_000,
            max_findings: 10_000,
            max_string_len: 4 << 10,
            max_evidence_len: 64 << 10,
            max_evidence_nodes: 4096,
            max_output_bytes: 16 << 20,
            max_log_messages: 100,
        }
    }
}

/// Settings shared by every plugin of one host (`PluginHost::with_config`).
///
/// ```
/// use ops_plugins::HostConfig;
/// let config = HostConfig::default();
/// assert_eq!(config.max_wasm_stack, 512 << 10);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostConfig {
    /// Bytes of native stack WebAssembly may use; deeper recursion traps.
    /// An engine setting, so the same for every plugin. Default 512 KiB.
    pub max_wasm_stack: usize,
    /// How often the host's ticker advances the engine's epoch. CPU budgets
    /// are counted in ticks: a smaller tick is more precise and costs more
    /// wake-ups. Default 10 ms.
    pub epoch_tick: Duration,
    /// Where to keep compiled plugins between runs, so loading one again
    /// skips compilation (keyed by the component's SHA-256, the wasmtime
    /// version and the engine settings). Must be private to the user: its
    /// files become native code. Default none: compile on every load.
    pub cache_dir: Option<PathBuf>,
    /// The most the entries of [`cache_dir`](HostConfig::cache_dir) may
    /// take on disk. After storing an entry, the host removes the least
    /// recently used ones (loading an entry counts as a use) until the rest
    /// fit; the entry just stored is kept even if it alone is larger.
    /// Default 1 GiB: about 30 Python plugins, or thousands of Rust ones.
    pub cache_max_bytes: u64,
    /// Take each run's instance and memory from a pool reserved once per
    /// host instead of mapping fresh memory per run (wasmtime's pooling
    /// allocator): cheaper runs, a fixed reservation of virtual address
    /// space. `None` allocates on demand. Default: [`Pooling::default`]. If
    /// the pool cannot be reserved (a tight `ulimit -v`), the host falls back
    /// to allocating on demand; `PluginHost::pooling` says which.
    pub pooling: Option<Pooling>,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            max_wasm_stack: 512 << 10,
            epoch_tick: Duration::from_millis(10),
            cache_dir: None,
            cache_max_bytes: 1 << 30,
            pooling: Some(Pooling::default()),
        }
    }
}

/// Sizes of the pooling allocator (see [`HostConfig::pooling`]).
///
/// ```
/// use ops_plugins::Pooling;
/// let pooling = Pooling::default();
/// assert_eq!(pooling.max_concurrent_runs, 32);
/// assert_eq!(pooling.max_memory, 64 << 20);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pooling {
    /// Plugin calls (`metadata` or `run`) that may be in progress at once,
    /// over all plugins and threads of the host: each holds one instance
    /// from the pool. A call past it fails with an error naming the plugin.
    /// Default 32.
    pub max_concurrent_runs: u32,
    /// Bytes of linear memory one plugin may have: a plugin's
    /// [`PluginLimits::memory`] above it is capped to it. Default 64 MiB, the
    /// default memory limit.
    pub max_memory: usize,
    /// Bytes of a pooled memory (and of a table) that are reset after a run
    /// by copying back only the pages the run wrote, staying mapped, where
    /// Linux can say which those are (the `PAGEMAP_SCAN` ioctl, 6.7 and
    /// later); past it, and on other systems, they are unmapped and the next
    /// run faults them in again. 0 unmaps every page. Default 1 MiB.
    pub keep_resident: usize,
}

impl Default for Pooling {
    fn default() -> Self {
        Pooling {
            max_concurrent_runs: 32,
            max_memory: 64 << 20,
            keep_resident: 1 << 20,
        }
    }
}
