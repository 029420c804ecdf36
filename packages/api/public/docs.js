// Renders the OpenAPI document as a readable list of operations.
'use strict';

(async () => {
  const doc = await fetch('/openapi.json').then((r) => r.json());
  document.getElementById('intro').textContent = doc.info.description;
  const main = document.getElementById('operations');
  const byTag = new Map();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  for (const [tag, ops] of byTag) {
    const section = document.createElement('section');
    const h2 = document.createElement('h2');
    h2.textContent = tag;
    section.append(h2);
    for (const { path, method, op } of ops) {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = `${method.toUpperCase()} ${path} - ${op.summary}${op.security?.length === 0 ? ' (public)' : ''}`;
      const pre = document.createElement('pre');
      pre.textContent = JSON.stringify({ description: op.description, parameters: op.parameters, requestBody: op.requestBody?.content['application/json'].schema, responses: Object.keys(op.responses) }, null, 2);
      details.append(summary, pre);
      section.append(details);
    }
    main.append(section);
  }
})();
