// Import direction between layers (see ../shared/STYLE.md, "Imports point one way"). Checked by `npm test`.
const layer = (name, from, allowed) => ({
  name,
  severity: 'error',
  comment: `${from} may import only ${allowed.join(', ')}`,
  from: { path: `^src/${from}/` },
  to: { path: '^src/', pathNot: `^src/(${[from, ...allowed].join('|')})/` },
});

module.exports = {
  forbidden: [
    layer('core-is-a-leaf', 'core', []),
    layer('config-imports-core', 'config', ['core']),
    layer('graph-imports-core', 'graph', ['core']),
    layer('state-imports-core', 'state', ['core']),
    layer('metrics-imports-core', 'metrics', ['core']),
    layer('checkpoint-imports-below', 'checkpoint', ['core', 'config', 'state']),
    layer('api-imports-below', 'api', ['core', 'config', 'graph', 'state', 'metrics']),
    layer('connectors-import-api', 'connectors', ['core', 'config', 'api', 'state']),
    {
      name: 'no-runtime-cycles',
      severity: 'error',
      comment: 'modules must not import each other at run time (type-only cycles are harmless)',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js'] },
  },
};
