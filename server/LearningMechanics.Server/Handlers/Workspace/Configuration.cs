using System.Text.Json;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Workspace;

/// <summary>Pulls the "learningMechanics" section with workspace/configuration (LSP §workspace_configuration) when the client answers it.</summary>
public static class Configuration
{
    public const string Section = "learningMechanics";

    /// <summary>True when settings were pulled and applied; false when the client does not answer workspace/configuration.</summary>
    public static async Task<bool> PullAsync(ServerState state, CancellationToken cancellationToken)
    {
        if (!state.Client.SupportsConfiguration)
            return false;
        var answer = await state.Client.RequestAsync<JsonElement[]>("workspace/configuration",
            new ConfigurationParams([new ConfigurationItem(Section)]), cancellationToken).ConfigureAwait(false);
        if (answer is not [{ ValueKind: JsonValueKind.Object } settings, ..])
            return false;
        state.Settings = SettingsReader.Read(settings, state.Settings);
        state.Log.Info($"settings pulled: {state.Settings}");
        return true;
    }
}
