import 'server-only'

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Marked } from 'marked'
import { anchorOf } from '@/server/ops/runbook-sections'

/** The runbook's file (the same one reviewers read in the repository). */
export const RUNBOOK_PATH = join(process.cwd(), 'docs', 'RUNBOOK.md')

const markdown = new Marked({
  gfm: true,
  renderer: {
    heading({ tokens, depth, text }) {
      return `<h${depth} id="${anchorOf(text)}">${this.parser.parseInline(tokens)}</h${depth}>\n`
    },
  },
})

/** docs/RUNBOOK.md as HTML (our own file, so its HTML is trusted). */
export async function runbookHtml(): Promise<string> {
  return markdown.parse(await readFile(RUNBOOK_PATH, 'utf8'))
}
