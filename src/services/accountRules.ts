/** Input rules for accounts: what a valid name, email and password are. */
import { BadUserInputError } from '../errors.js';
import { FORBIDDEN_CHARS } from './productRules.js';

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
}

export const NAME_MAX = 80;
export const PASSWORD_MIN = 8;
/** A bound on KDF input, so a megabyte "password" cannot be used to burn CPU. */
export const PASSWORD_MAX = 256;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function validateSignUp(input: SignUpInput): SignUpInput {
  if (FORBIDDEN_CHARS.test(input.name)) throw new BadUserInputError('"name" must not contain control characters.', 'name');
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (name.length === 0 || name.length > NAME_MAX) {
    throw new BadUserInputError(`"name" must be 1 to ${NAME_MAX} characters.`, 'name');
  }
  const email = input.email.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email) || FORBIDDEN_CHARS.test(email) || /[\u0080-\u00a0]/.test(email)) throw new BadUserInputError('"email" is not a valid email address.', 'email');
  if (input.password.length < PASSWORD_MIN || input.password.length > PASSWORD_MAX) {
    throw new BadUserInputError(`"password" must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`, 'password');
  }
  return { name, email, password: input.password };
}
