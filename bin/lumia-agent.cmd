@echo off
rem Runs lumia-agent on Windows; builds the jar first when it is missing.
setlocal
set "HERE=%~dp0.."
if not exist "%HERE%\target\lumia-agent.jar" (
  echo Building lumia-agent ^(first run^)... 1>&2
  pushd "%HERE%" && call mvn -B -q -DskipTests package && popd || exit /b 1
)
java %LUMIA_AGENT_JAVA_OPTS% -jar "%HERE%\target\lumia-agent.jar" %*
