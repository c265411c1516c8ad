//! The plugin host on hostile WebAssembly: whatever it is given, loading
//! and running a plugin gives `Ok` or a clear error, within the sandbox's
//! CPU, memory and stack limits; never a panic, an abort or a hang.
//!
//! The first byte picks the input's meaning:
//!
//! - even: the rest is the component's bytes, as a user might pass with
//!   `--plugin` (seeded with the example and hostile plugins);
//! - odd: the rest drives `wasm-smith`, which generates a valid core module
//!   exporting `memory`, `cabi_realloc` and `run(ptr, len) -> ptr`, and
//!   importing any of the host's functions, every function of every
//!   interface (`plugin_host/shape.wat`). `plugin_host/wrapper.wat` wraps it
//!   into a component of the `check` world whose `metadata()` is fixed and
//!   valid, so every generated module is loaded and its arbitrary code run as
//!   the plugin's `run`: it may loop, recurse, grow memory, trap, return
//!   pointers to anything, and call each host import with arguments of its
//!   making (indices, string and list pointers and lengths, return pointers,
//!   and its own `cabi_realloc` for the host to allocate answers with) on
//!   an estate with one of each kind of entity (`plugin_host/estate.yaml`).
#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use ops_core::{Check, CheckError, Context, Format, Inventory};
use ops_plugins::{HostConfig, PluginError, PluginHost, PluginLimits};

/// Small budgets keep runs fast; hitting them is what is being tested.
fn limits() -> PluginLimits {
    let mut limits = PluginLimits::default();
    limits.cpu_time = Duration::from_millis(50);
    limits.memory = 8 << 20;
    limits.table_elements = 10_000;
    limits
}

/// How long a call may take past its CPU budget: one epoch tick, plus
/// instantiation and the host's own work, generously (sanitizers, a loaded
/// machine). Compilation is not counted: it happens before the budget starts.
const SLACK: Duration = Duration::from_secs(3);

struct Fixture {
    host: PluginHost,
    inventory: Inventory,
    /// `wrapper.wat` compiled, and where its placeholder module's section lies.
    wrapper: Vec<u8>,
    placeholder: std::ops::Range<usize>,
    shape: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut config = HostConfig::default();
        config.max_wasm_stack = 256 << 10;
        config.epoch_tick = Duration::from_millis(5);
        let host = PluginHost::with_config(config).expect("host");
        let inventory = Inventory::from_text("estate.yaml", Format::Yaml, include_str!("plugin_host/estate.yaml"))
            .expect("inventory");
        let wrapper = wat::parse_str(include_str!("plugin_host/wrapper.wat")).expect("wrapper.wat");
        let placeholder = module_section(&wrapper, 1);
        let shape = wat::parse_str(include_str!("plugin_host/shape.wat")).expect("shape.wat");
        Fixture {
            host,
            inventory,
            wrapper,
            placeholder,
            shape,
        }
    })
}

/// The byte range of the `nth` (from 0) top-level core module section of a
/// component, section header included.
fn module_section(component: &[u8], nth: usize) -> std::ops::Range<usize> {
    let mut seen = 0;
    for payload in wasmparser::Parser::new(0).parse_all(component) {
        if let Ok(wasmparser::Payload::ModuleSection { unchecked_range, .. }) = payload {
            if seen == nth {
                let header = 1 + leb128(unchecked_range.len()).len();
                return unchecked_range.start - header..unchecked_range.end;
            }
            seen += 1;
        }
    }
    panic!("wrapper.wat has no core module {nth}");
}

fn leb128(mut n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// The wrapper with `module` in place of its placeholder.
fn wrap(f: &Fixture, module: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(f.wrapper.len() + module.len());
    out.extend_from_slice(&f.wrapper[..f.placeholder.start]);
    out.push(1); // core module section
    out.extend_from_slice(&leb128(module.len()));
    out.extend_from_slice(module);
    out.extend_from_slice(&f.wrapper[f.placeholder.end..]);
    out
}

fn generated(f: &Fixture, u: &mut Unstructured<'_>) -> Option<Vec<u8>> {
    let mut config: wasm_smith::Config = u.arbitrary().ok()?;
    config.available_imports = Some(f.shape.clone());
    config.exports = Some(f.shape.clone());
    // What the host's engine supports, and the canonical ABI's 32-bit memory.
    config.threads_enabled = false;
    config.shared_everything_threads_enabled = false;
    config.gc_enabled = false;
    config.exceptions_enabled = false;
    config.memory64_enabled = false;
    config.custom_page_sizes_enabled = false;
    config.wide_arithmetic_enabled = false;
    config.max_memories = config.max_memories.min(2);
    config.max_memory32_bytes = config.max_memory32_bytes.min(1 << 30);
    let module = wasm_smith::Module::new(config, u).ok()?;
    Some(module.to_bytes())
}

/// Runs `what` and checks it stayed within the CPU budget (plus slack).
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(
        took < limits().cpu_time + SLACK,
        "{what} took {took:?}, past its {:?} budget",
        limits().cpu_time
    );
    out
}

fn run(f: &Fixture, wasm: &[u8], must_load: bool) {
    // Compiling is not under the CPU budget (only calls into the plugin are).
    let loaded = f.host.load_with_limits("fuzz.wasm", wasm, limits());
    let check = match loaded {
        Ok(check) => check,
        Err(e) => {
            let message = e.to_string();
            assert!(message.contains("fuzz.wasm"), "the error names the plugin: {message}");
            if must_load {
                // Only the generated module's own start-up may fail (a trap,
                // a limit, a memory too large to create), a feature the
                // host's engine leaves off that wasm-smith still used (it
                // can emit GC-only types with `gc_enabled` off), or a shape
                // the host's instance pool has no slot for (two memories,
                // more tables than a slot holds): refused at load, by name.
                let refused = matches!(e, PluginError::InvalidComponent { .. })
                    && (message.contains("disallowed")
                        || message.contains("not enabled")
                        || message.contains("pooling allocator"));
                assert!(
                    matches!(e, PluginError::Metadata { .. }) || refused,
                    "the wrapper failed to load: {message}"
                );
            }
            return;
        }
    };
    let ctx = Context::new(&f.inventory, "2026-11-26T00:00:00Z".parse().expect("instant"));
    let outcome = timed("run", || check.run(&ctx));
    match outcome {
        Ok(findings) => {
            for finding in findings {
                assert!(finding.check.starts_with(&format!("plugin:{}/", check.metadata().name)));
            }
        }
        Err(CheckError::Failed(m) | CheckError::ResourceLimit(m) | CheckError::InvalidOutput(m)) => {
            // Named by the label it was loaded with, then by its declared name.
            let named = format!("plugin 'fuzz.wasm' (calls itself '{}') ", check.metadata().name);
            assert!(m.starts_with(&named), "{m}");
        }
        Err(e) => panic!("unexpected error kind: {e:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixture();
    if mode % 2 == 0 {
        run(f, rest, false);
    } else {
        let Some(module) = generated(f, &mut Unstructured::new(rest)) else {
            return;
        };
        run(f, &wrap(f, &module), true);
    }
});
