// A node:test reporter for scripts/run-tests.mjs: one JSON line per finished test or suite (its
// outcome, skip or todo reason), which the runner adds up over every test file.
export default async function* testCounts(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    yield `${JSON.stringify({
      passed: event.type === 'test:pass',
      suite: data.details?.type === 'suite',
      name: data.name,
      nesting: data.nesting,
      skip: data.skip === undefined ? undefined : String(data.skip === true ? '' : data.skip),
      todo: data.todo === undefined ? undefined : String(data.todo === true ? '' : data.todo),
      failureType: data.details?.error?.failureType,
    })}\n`;
  }
}
