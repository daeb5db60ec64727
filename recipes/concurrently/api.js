// The API of this recipe: a tiny HTTP server on port 3001.
import { createServer } from 'node:http';

createServer((_request, response) => response.end(`api ${process.pid}\n`)).listen(3001, () =>
  console.log(`api listening on http://localhost:3001 (pid ${process.pid})`),
);
