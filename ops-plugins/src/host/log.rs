//! `ops:plugin/log`: messages from the plugin, capped in number and length.

use crate::bindings::ops::plugin::log;
use crate::state::RunState;

impl log::Host for RunState {
    fn log(&mut self, level: log::Level, mut message: String) -> wasmtime::Result<()> {
        if self.log.len() >= self.max_log_messages {
            self.log_dropped += 1;
            return Ok(());
        }
        if message.len() > self.max_log_len {
            let mut cut = self.max_log_len;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        self.log.push((level, message));
        Ok(())
    }
}
