; Inno Setup 6 script of the motcua installer for Windows: per user, no administrator rights.
;
; Built by installer/build on Windows (Git Bash) right after the PyInstaller bundle, when
; Inno Setup 6 (ISCC.exe) is installed:
;   ISCC.exe /DAppVersion=<pyproject version> /DBundleDir=<repo>\dist\motcua /DOutputDir=<repo>\dist
;            installer\windows\motcua.iss          ->  dist\motcua-<version>-setup.exe
; It cannot be built on Linux. tests/test_installer_files.py keeps it consistent with
; installer/motcua.spec (program names), pyproject.toml (version) and desktop/paths.py
; (data folder).
;
; The data folder %LOCALAPPDATA%\motcua (register, backups, logs, quarantine) is outside the
; program folder and this script never deletes it: not on uninstall, not on upgrade. The
; device token stays in the Windows Credential Locker for the same reason.

#ifndef AppVersion
  #error AppVersion is not defined: build through installer/build, which passes /DAppVersion from pyproject.toml
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\motcua"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

#define AppName "motcua"
; installer/motcua.spec: EXE_NAME (console: `motcua sync`, `motcua check`, ...) and
; GUI_EXE_NAME (the same program without a console window: Start menu, scheduled sync).
#define ExeName "motcua.exe"
#define GuiExeName "motcuaw.exe"
; desktop/paths.py: platformdirs.user_data_dir("motcua", appauthor=False)
#define DataDir "{localappdata}\motcua"
; One task per Windows user: two users of one PC each install and sync their own copy.
#define SyncTaskName "motcua sync ({username})"

[Setup]
; AppId never changes: it is how an upgrade finds the installed copy.
AppId={{890E43AF-76E4-43CD-AC0D-AA40378E93FC}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=motcua
AppComments=Sổ đăng ký hồ sơ một cửa cấp xã
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppName}
UsePreviousAppDir=yes
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\{#GuiExeName}
UninstallDisplayName={#AppName} {#AppVersion}
OutputDir={#OutputDir}
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Qt 6 runs on 64-bit Windows 10 (1809) and later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
; A running motcua is asked to close before its files are replaced.
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
; Inno Setup ships no official Vietnamese wizard; our own texts below are in Vietnamese.
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
english.SyncGroup=Đồng bộ / Sync:
english.SyncTask=Tự động đồng bộ với máy chủ tỉnh mỗi 30 phút (motcua sync) / Sync with the province server every 30 minutes
english.ShortcutComment=Sổ đăng ký hồ sơ một cửa cấp xã
english.NotDataDir=Đây là thư mục dữ liệu của motcua (sổ đăng ký). Hãy chọn thư mục khác.%n%nThis is motcua's data folder (the register). Choose another folder.

[Tasks]
Name: "synctask"; Description: "{cm:SyncTask}"; GroupDescription: "{cm:SyncGroup}"; Flags: unchecked
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the program's libraries as a whole, so that no file of the older
; version lingers beside the new ones. The program folder only, never {#DataDir}.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExeName}"; WorkingDir: "{app}"; Comment: "{cm:ShortcutComment}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExeName}"; WorkingDir: "{app}"; Comment: "{cm:ShortcutComment}"; Tasks: desktopicon

[Run]
; The scheduled sync: a task of the current user (no /RU: no password kept, no administrator),
; every 30 minutes while the user is logged on, running the program without a console.
; /F replaces the task of an earlier install, whose path may differ.
Filename: "{sys}\schtasks.exe"; Parameters: "/Create /F /SC MINUTE /MO 30 /TN ""{#SyncTaskName}"" /TR ""\""{app}\{#GuiExeName}\"" sync"""; Flags: runhidden waituntilterminated; Tasks: synctask
; The box left unticked on a reinstall or upgrade: remove the task an earlier install made.
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /F /TN ""{#SyncTaskName}"""; Flags: runhidden waituntilterminated; Tasks: not synctask
Filename: "{app}\{#GuiExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; The scheduled task goes with the program (schtasks fails quietly when there is none).
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /F /TN ""{#SyncTaskName}"""; Flags: runhidden waituntilterminated; RunOnceId: "DeleteSyncTask"

; No [UninstallDelete] section: uninstall removes only the files this script installed, and
; {#DataDir} (the register and its backups) stays.

[Code]
// The program folder must never be the data folder: an upgrade empties {app}\_internal.
function NextButtonClick(CurPageID: Integer): Boolean;
begin
  Result := True;
  if (CurPageID = wpSelectDir) and
     (CompareText(RemoveBackslashUnlessRoot(WizardDirValue),
                  ExpandConstant('{#DataDir}')) = 0) then
  begin
    MsgBox(CustomMessage('NotDataDir'), mbError, MB_OK);
    Result := False;
  end;
end;
