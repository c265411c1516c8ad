// `unowned`, in JavaScript: the plugin the README's JavaScript walkthrough
// builds. A component nobody owns is one nobody fixes. The same check as the
// Rust examples/plugins/unowned, finding for finding.
//
// Built by examples/polyglot/build.sh with componentize-js, every WASI
// feature disabled: the component imports nothing but the ops interfaces.
import { componentCount, componentAt } from 'ops:plugin/inventory@0.1.1';

export const plugin = {
  metadata() {
    return {
      name: 'unowned',
      version: '0.1.0',
      rules: [{ id: 'no-owner', defaultSeverity: 'medium', summary: 'A component has no owner', explanation: '' }],
      configSchema: undefined,
    };
  },

  run(_config) {
    const found = [];
    const count = componentCount();
    for (let i = 0; i < count; i++) {
      const c = componentAt(i);
      if (c === undefined || c.owners.length > 0) continue;
      found.push({
        rule: 'no-owner',
        severity: undefined,
        subject: { kind: 'component', id: c.id },
        message: `${c.id} (${c.kind}) has no owner`,
        evidence: JSON.stringify({ entry: c.entry, stateful: c.stateful }),
        remediation: 'add an owners: list',
      });
    }
    return found;
  },
};
