/** `npm run admin:hash -- <password>`: prints the ADMIN_PASSWORD_HASH value for a password. */
import { hashPassword } from './password-hash'

export const MIN_ADMIN_PASSWORD_LENGTH = 12

const password = process.argv[2]
if (!password || password.length < MIN_ADMIN_PASSWORD_LENGTH) {
  console.error(`usage: npm run admin:hash -- <password of at least ${MIN_ADMIN_PASSWORD_LENGTH} characters>`)
  process.exit(2)
}
console.log(await hashPassword(password))
