import { readConfig } from '../../config/config.js';
import { fail, ok, type DoctorCheck } from './check.js';

/** The OPENCODE_MULTI_AUTH_* settings: each bad one is its own finding, so each can say what to do. */
export const checkConfig: DoctorCheck = ({ context }) => {
  const { problems } = readConfig(context.env);
  if (problems.length === 0) return Promise.resolve([ok('config', 'The OPENCODE_MULTI_AUTH_* settings are valid.')]);
  return Promise.resolve(
    problems.map((problem) =>
      fail(
        'config',
        problem.message,
        problem.fix ??
          (problem.fatal
            ? `Fix or unset ${problem.variable}; until then the plugin stands aside inside OpenCode rather than use another folder.`
            : `Fix or unset ${problem.variable}; inside OpenCode the plugin uses the default meanwhile.`),
      ),
    ),
  );
};
