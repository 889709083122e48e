@echo off
rem Runs lumia-agent on Windows; builds the jar first when it is missing.
setlocal
set "HERE=%~dp0.."
if not exist "%HERE%\target\lumia-agent.jar" (
  echo Building lumia-agent ^(first run^)... 1>&2
  pushd "%HERE%" && call mvn -B -q -DskipTests package && popd || exit /b 1
)
rem The default heap fits a bench of 128 phones (docs/performance.md); LUMIA_AGENT_JAVA_OPTS with its own -Xmx wins.
set "OPTS=%LUMIA_AGENT_JAVA_OPTS%"
echo %OPTS% | findstr /C:"-Xmx" >nul || set "OPTS=-Xmx384m -XX:+UseSerialGC %OPTS%"
java %OPTS% -jar "%HERE%\target\lumia-agent.jar" %*
