// The import rules of the tree, checked by `npm run lint` (and so by CI): the floors of the server
// stack (core at the bottom, then store, the domain, the HTTP layer and the workers, the API on top,
// app.ts wiring everything), and the n8n package stands apart from the server.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'No import circles, type-only imports included: each floor stands on the ones below.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'core/ is pure logic: it imports nothing of ours but core/.',
      from: { path: '^server/src/core/' },
      to: { path: '^server/src/', pathNot: '^server/src/core/' },
    },
    {
      name: 'store-below-the-rest',
      severity: 'error',
      comment: 'The store holds the SQL; it never reaches up into the layers that use it.',
      from: { path: '^server/src/store/' },
      to: { path: '^server/src/(api|http|worker|integrations|domain|net)/' },
    },
    {
      name: 'domain-below-transport',
      severity: 'error',
      comment: 'Business operations know nothing of HTTP routes, workers or integrations.',
      from: { path: '^server/src/domain/' },
      to: { path: '^server/src/(api|http|worker|integrations)/' },
    },
    {
      name: 'api-only-from-app',
      severity: 'error',
      comment: 'Route modules are the top floor: only app.ts (and api/ itself) imports them.',
      from: { path: '^server/src/', pathNot: '^server/src/(api/|app\\.ts$)' },
      to: { path: '^server/src/api/' },
    },
    {
      name: 'package-apart-from-server',
      severity: 'error',
      comment: 'The n8n package ships alone: it never imports the server.',
      from: { path: '^(nodes|credentials)/' },
      to: { path: '^server/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    // Type-only imports count: a circle through types is still a circle.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
