export { WORKSPACE_ROLES, ROLE_DESCRIPTIONS } from '../../../../src/workspaces/roles.ts';
