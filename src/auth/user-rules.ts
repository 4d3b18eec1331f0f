/** What a user name, password and email address must be: one rule for the API (CreateUser, UpdateUser) and the CLI. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9._@-]{1,100}$/;
export const USER_NAME_RULE = '1-100 letters, digits and . _ @ -';
export const MIN_PASSWORD_LENGTH = 8;
export const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+$/;
/** The role that holds every permission: the last enabled user holding it is never removed, disabled or demoted. */
export const ADMINISTRATOR_ROLE_ID = 'administrator';
