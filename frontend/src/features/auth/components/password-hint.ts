/** The server's password policy, said before the user hits it. */
export const passwordHint = '10–128 characters, not a common password and not your email address.';
